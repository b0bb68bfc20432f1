/**
 * @module OCSF output of `audit export`: each decision record becomes an OCSF 1.3 API Activity event
 * (class 6003, category 6 Application Activity) with the Security Control profile's `action_id` and
 * `disposition_id`. Export layer. Field-by-field mapping documented in docs/audit.md.
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
const CONTROL = {
  allow: { action_id: 1, action: 'Allowed', disposition_id: 1, disposition: 'Allowed' },
  deny: { action_id: 2, action: 'Denied', disposition_id: 2, disposition: 'Blocked' },
  error: { action_id: 2, action: 'Denied', disposition_id: 2, disposition: 'Blocked' },
} as const;
const SEVERITY = {
  allow: [1, 'Informational'],
  deny: [2, 'Low'],
  error: [3, 'Medium'],
} as const;

function activityOf(r: DecisionRecord): readonly [number, string] {
  if (r.kind === 'identity') return ACTIVITY_BY_SVID_ACTION[r.action] ?? OTHER;
  const req = r.request;
  if (req === undefined || req.protocol === 'grpc' || req.protocol === 'tcp' || req.method === undefined)
    return OTHER;
  return ACTIVITY_BY_METHOD[req.method.toUpperCase()] ?? OTHER;
}

/** Drop absent members, and objects left empty by that: OCSF consumers expect absent, not `{}`. */
function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === undefined || (isPlainObject(value) && Object.keys(value).length === 0)) delete obj[key];
  }
  return obj;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Map one decision record to an OCSF API Activity event. */
export function toOcsf(r: DecisionRecord): Record<string, unknown> {
  const [activityId, activityName] = activityOf(r);
  const [severityId, severity] = SEVERITY[r.decision];
  const source = r.source;
  const isIdentity = r.kind === 'identity';
  const req = isIdentity ? undefined : r.request;
  const status = isIdentity ? undefined : r.status;
  const http = req !== undefined && (req.protocol === 'http1' || req.protocol === 'http2');
  const operation = isIdentity ? `svid.${r.action}` : (req?.method ?? req?.protocol ?? r.kind);
  return compact({
    class_uid: CLASS_UID,
    class_name: 'API Activity',
    category_uid: CATEGORY_UID,
    category_name: 'Application Activity',
    activity_id: activityId,
    activity_name: activityName,
    type_uid: CLASS_UID * 100 + activityId,
    type_name: `API Activity: ${activityName}`,
    time: Date.parse(r.ts),
    severity_id: severityId,
    severity,
    status_id: r.decision === 'allow' ? 1 : 2,
    status: r.decision === 'allow' ? 'Success' : 'Failure',
    status_code: status === undefined ? undefined : String(status),
    status_detail: r.reason,
    ...CONTROL[r.decision],
    duration: isIdentity || r.latency_us === undefined ? undefined : Math.round(r.latency_us / 1000),
    metadata: compact({
      version: OCSF_VERSION,
      profiles: ['security_control'],
      product: { name: 'Palisade', vendor_name: 'Palisade', version: PACKAGE_VERSION },
      uid: r.decision_id,
      correlation_uid: r.request_id,
      log_name: 'palisade-audit',
      log_provider: r.writer,
      original_time: r.ts,
      sequence: r.seq,
    }),
    actor: {
      user:
        source?.principal == null
          ? { name: 'unauthenticated', type_id: 0, type: 'Unknown' }
          : { uid: source.principal, type_id: 4, type: 'Service' },
    },
    api: compact({
      operation,
      service: isIdentity ? { name: 'citadel' } : { name: r.destination.service },
      request: { uid: r.request_id ?? r.decision_id },
      response: status === undefined ? undefined : { code: status },
    }),
    src_endpoint: source === undefined ? undefined : compact({ ip: source.address, port: source.port }),
    dst_endpoint: isIdentity
      ? undefined
      : compact({ svc_name: r.destination.service, port: r.destination.port, hostname: req?.host }),
    http_request: http
      ? compact({ http_method: req.method, url: compact({ path: req.path, hostname: req.host }) })
      : undefined,
    http_response: http && status !== undefined ? { code: status } : undefined,
    policy:
      r.kind === 'authz' && r.policy !== undefined
        ? compact({ name: r.policy.entrypoint, uid: r.policy.revision })
        : undefined,
    resources: isIdentity
      ? [compact({ type: 'X.509-SVID', name: r.svid.subject, uid: r.svid.serial })]
      : undefined,
    unmapped: compact({
      palisade_kind: r.kind,
      trace_id: r.trace_id,
      source_mtls: source?.mtls,
      destination_principal: isIdentity ? undefined : r.destination.principal,
      protocol: req?.protocol,
      quota: r.kind === 'quota' ? r.quota : undefined,
      svid: isIdentity ? r.svid : undefined,
      hash: r.hash,
    }),
  });
}
