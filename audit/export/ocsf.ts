/**
 * @module OCSF output of `audit export`: each decision record becomes an OCSF 1.3 API Activity event
 * (class 6003, category 6 Application Activity) with the Security Control profile's `action_id` and
 * `disposition_id`. Export layer. Field-by-field mapping documented in docs/audit.md.
 *
 * The mapping is written once, as the JSON text of the event (`ocsfLine`): building an object per record
 * and serializing it with JSON.stringify was over half the CPU of an ocsf export. Members are in a fixed
 * order; absent values and objects left empty are omitted, as OCSF consumers expect absent, not `{}`.
 */
import { PACKAGE_VERSION } from '../../lib/package-info.js';
import type { DecisionRecord } from '../record.js';

export const OCSF_VERSION = '1.3.0';
const CLASS_UID = 6003;
const CATEGORY_UID = 6;

/** API Activity activity_id by HTTP method (CRUD); anything else (gRPC, TCP, CONNECT…) is 99 Other. */
const ACTIVITY_BY_METHOD: Readonly<Record<string, readonly [number, string]>> = {
  POST: [1, 'Create'],
  GET: [2, 'Read'],
  HEAD: [2, 'Read'],
  OPTIONS: [2, 'Read'],
  PUT: [3, 'Update'],
  PATCH: [3, 'Update'],
  DELETE: [4, 'Delete'],
};
const ACTIVITY_BY_SVID_ACTION: Readonly<Record<string, readonly [number, string]>> = {
  issue: [1, 'Create'],
  renew: [3, 'Update'],
  rotate: [3, 'Update'],
  revoke: [4, 'Delete'],
};
const OTHER: readonly [number, string] = [99, 'Other'];

/** Security Control profile: allow → Allowed/Allowed; deny and error (fail closed) → Denied/Blocked. */
const ALLOWED = '"action_id":1,"action":"Allowed","disposition_id":1,"disposition":"Allowed"';
const DENIED = '"action_id":2,"action":"Denied","disposition_id":2,"disposition":"Blocked"';
const CONTROL = { allow: ALLOWED, deny: DENIED, error: DENIED } as const;
const SEVERITY = {
  allow: '"severity_id":1,"severity":"Informational"',
  deny: '"severity_id":2,"severity":"Low"',
  error: '"severity_id":3,"severity":"Medium"',
} as const;
const STATUS = {
  allow: '"status_id":1,"status":"Success"',
  deny: '"status_id":2,"status":"Failure"',
  error: '"status_id":2,"status":"Failure"',
} as const;

function activityOf(r: DecisionRecord): readonly [number, string] {
  if (r.kind === 'identity') return ACTIVITY_BY_SVID_ACTION[r.action] ?? OTHER;
  const req = r.request;
  if (req === undefined || req.protocol === 'grpc' || req.protocol === 'tcp' || req.method === undefined)
    return OTHER;
  return ACTIVITY_BY_METHOD[req.method.toUpperCase()] ?? OTHER;
}

const CLASS = `"class_uid":${CLASS_UID},"class_name":"API Activity","category_uid":${CATEGORY_UID},"category_name":"Application Activity"`;
const PRODUCT = `{"name":"Palisade","vendor_name":"Palisade","version":${JSON.stringify(PACKAGE_VERSION)}}`;
const UNAUTHENTICATED = '{"name":"unauthenticated","type_id":0,"type":"Unknown"}';

/** Characters JSON.stringify escapes: quote, backslash, controls, and surrogates (lone ones get escaped). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** A JSON string; JSON.stringify only when something needs escaping (calling it costs more than the test). */
const jsonString = (value: string): string =>
  NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
/** A JSON string known to need no escaping. */
const quote = (value: string): string => `"${value}"`;
/** A JSON number (JSON has no NaN or Infinity: null, as JSON.stringify writes them). */
const num = (value: number): string => (Number.isFinite(value) ? `${value}` : 'null');
/** `,"name":value` when the value is present, else nothing. */
const opt = (name: string, value: string | undefined): string =>
  value === undefined ? '' : `,"${name}":${value}`;
/** An object of optional members (each `,"name":value` or ''); '' when none is present. */
const obj = (members: string): string => (members === '' ? '' : `{${members.slice(1)}}`);

/**
 * The OCSF API Activity event of one decision record, as one line of JSON (newline included).
 * `escapeFree`: the record was parsed from a JSON line without a backslash, so none of its strings holds a
 * character JSON escapes (a quote, backslash or control character cannot appear unescaped in a JSON
 * string, and a lone surrogate only through `\u`): its strings are written as they are, unchecked.
 */
export function ocsfLine(r: DecisionRecord, escapeFree = false): string {
  const str = escapeFree ? quote : jsonString;
  const [activityId, activityName] = activityOf(r);
  const source = r.source;
  const isIdentity = r.kind === 'identity';
  const req = isIdentity ? undefined : r.request;
  const status = isIdentity ? undefined : r.status;
  const http = req !== undefined && (req.protocol === 'http1' || req.protocol === 'http2');
  const operation = isIdentity ? `svid.${r.action}` : (req?.method ?? req?.protocol ?? r.kind);
  const duration = isIdentity || r.latency_us === undefined ? undefined : Math.round(r.latency_us / 1000);

  const metadata =
    `{"version":"${OCSF_VERSION}","profiles":["security_control"],"product":${PRODUCT}` +
    `,"uid":${str(r.decision_id)}${opt('correlation_uid', r.request_id === undefined ? undefined : str(r.request_id))}` +
    `,"log_name":"palisade-audit","log_provider":${str(r.writer)},"original_time":${str(r.ts)},"sequence":${num(r.seq)}}`;
  const user =
    source?.principal == null
      ? UNAUTHENTICATED
      : `{"uid":${str(source.principal)},"type_id":4,"type":"Service"}`;
  const api =
    `{"operation":${str(operation)},"service":{"name":${str(isIdentity ? 'citadel' : r.destination.service)}}` +
    `,"request":{"uid":${str(r.request_id ?? r.decision_id)}}${opt('response', status === undefined ? undefined : `{"code":${num(status)}}`)}}`;
  const src =
    source === undefined
      ? ''
      : obj(
          opt('ip', source.address === undefined ? undefined : str(source.address)) +
            opt('port', source.port === undefined ? undefined : num(source.port)),
        );
  const dst = isIdentity
    ? ''
    : `{"svc_name":${str(r.destination.service)}${opt('port', r.destination.port === undefined ? undefined : num(r.destination.port))}${opt('hostname', req?.host === undefined ? undefined : str(req.host))}}`;
  const httpRequest = http
    ? obj(
        opt('http_method', req.method === undefined ? undefined : str(req.method)) +
          opt(
            'url',
            obj(
              opt('path', req.path === undefined ? undefined : str(req.path)) +
                opt('hostname', req.host === undefined ? undefined : str(req.host)),
            ) || undefined,
          ),
      )
    : '';
  const policy =
    r.kind === 'authz' && r.policy !== undefined
      ? `{"name":${str(r.policy.entrypoint)}${opt('uid', r.policy.revision === undefined ? undefined : str(r.policy.revision))}}`
      : '';
  const resources = isIdentity
    ? `[{"type":"X.509-SVID","name":${str(r.svid.subject)}${opt('uid', r.svid.serial === undefined ? undefined : str(r.svid.serial))}}]`
    : '';
  const unmapped =
    `{"palisade_kind":${str(r.kind)}` +
    opt('trace_id', r.trace_id === undefined ? undefined : str(r.trace_id)) +
    opt('source_mtls', source === undefined ? undefined : `${source.mtls}`) +
    opt(
      'destination_principal',
      isIdentity || r.destination.principal === undefined ? undefined : str(r.destination.principal),
    ) +
    opt('protocol', req === undefined ? undefined : str(req.protocol)) +
    opt('quota', r.kind === 'quota' ? JSON.stringify(r.quota) : undefined) +
    opt('svid', isIdentity ? JSON.stringify(r.svid) : undefined) +
    `,"hash":${str(r.hash)}}`;

  return (
    `{${CLASS},"activity_id":${activityId},"activity_name":${str(activityName)}` +
    `,"type_uid":${CLASS_UID * 100 + activityId},"type_name":${str(`API Activity: ${activityName}`)}` +
    `,"time":${num(Date.parse(r.ts))},${SEVERITY[r.decision]},${STATUS[r.decision]}` +
    opt('status_code', status === undefined ? undefined : str(String(status))) +
    opt('status_detail', r.reason === undefined ? undefined : str(r.reason)) +
    `,${CONTROL[r.decision]}${opt('duration', duration === undefined ? undefined : num(duration))}` +
    `,"metadata":${metadata},"actor":{"user":${user}},"api":${api}` +
    opt('src_endpoint', src || undefined) +
    opt('dst_endpoint', dst || undefined) +
    opt('http_request', httpRequest || undefined) +
    opt('http_response', http && status !== undefined ? `{"code":${num(status)}}` : undefined) +
    opt('policy', policy || undefined) +
    opt('resources', resources || undefined) +
    `,"unmapped":${unmapped}}\n`
  );
}

/** The OCSF API Activity event of one decision record, as an object (what `ocsfLine` writes). */
export function toOcsf(r: DecisionRecord): Record<string, unknown> {
  return JSON.parse(ocsfLine(r)) as Record<string, unknown>;
}
