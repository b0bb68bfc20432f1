/**
 * @module `http.send`: OPA's request object (method, url, headers, body/raw_body, redirects, TLS options,
 * timeout, raise_error, JSON/YAML decoding), answered synchronously through the helper worker or an
 * injected transport, cached per evaluation. Refused (halt error) when the evaluation forbids the network.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYamlText } from 'yaml';
import { canonical, fromJS, ObjectValue, parseJson, type Value } from '../value/index.js';
import { BuiltinError, networkRefused, typeError } from './builtin-error.js';
import type { BuiltinContext, HttpRequestSpec, HttpResponseSpec } from './context.js';
import { parseDuration } from './go-duration.js';
import { goMarshal } from './go-json.js';
import type { ImplTable } from './impl-types.js';
import { object } from './operands.js';
import { runSync } from './sync-worker.js';

const ALLOWED_KEYS = new Set([
  'method',
  'url',
  'body',
  'raw_body',
  'headers',
  'enable_redirect',
  'max_redirects',
  'force_json_decode',
  'force_yaml_decode',
  'tls_use_system_certs',
  'tls_ca_cert',
  'tls_ca_cert_file',
  'tls_ca_cert_env_variable',
  'tls_client_cert',
  'tls_client_cert_file',
  'tls_client_cert_env_variable',
  'tls_client_key',
  'tls_client_key_file',
  'tls_client_key_env_variable',
  'tls_insecure_skip_verify',
  'tls_server_name',
  'timeout',
  'cache',
  'force_cache',
  'force_cache_duration_seconds',
  'caching_mode',
  'raise_error',
  'max_retry_attempts',
  'cache_ignored_headers',
]);

/** Default request timeout (OPA's is 5 s). */
export const HTTP_DEFAULT_TIMEOUT_MS = 5_000;

export const quoteList = (keys: string[]): string =>
  `{${keys
    .sort()
    .map((k) => JSON.stringify(k))
    .join(', ')}}`;

function strField(req: ObjectValue, key: string): string | undefined {
  const v = req.get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BuiltinError(`invalid type for field "${key}": expected a string`);
  return v;
}

function boolField(req: ObjectValue, key: string, dflt: boolean): boolean {
  const v = req.get(key);
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new BuiltinError(`invalid type for field "${key}": expected a boolean`);
  return v;
}

function pemOption(req: ObjectValue, base: string): string | undefined {
  const inline = strField(req, base);
  if (inline !== undefined) return inline;
  const file = strField(req, `${base}_file`);
  if (file !== undefined) return readFileSync(file, 'utf8');
  const env = strField(req, `${base}_env_variable`);
  return env === undefined ? undefined : process.env[env];
}

function timeoutMs(req: ObjectValue): number {
  const v = req.get('timeout');
  if (v === undefined) return HTTP_DEFAULT_TIMEOUT_MS;
  if (typeof v === 'string') return Number(parseDuration(v) / 1_000_000n);
  if (typeof v === 'number') return Math.ceil(v / 1e6);
  throw new BuiltinError('invalid type for field "timeout": expected a string or number');
}

/** OPA's request-object key checks (shared with providers.aws.sign_req): operand type errors. */
export function validateRequestKeys(req: ObjectValue, position: number): void {
  const invalid = [...req.keys()].filter((k) => typeof k !== 'string' || !ALLOWED_KEYS.has(k)).map(String);
  if (invalid.length > 0)
    throw typeError(`operand ${position} invalid request parameters(s): ${quoteList(invalid)}`);
  const missing = ['method', 'url'].filter((k) => !req.has(k));
  if (missing.length > 0)
    throw typeError(`operand ${position} missing required request parameters(s): ${quoteList(missing)}`);
}

/** Validate the request object and turn it into a transport request. */
export function requestSpec(req: ObjectValue): HttpRequestSpec {
  validateRequestKeys(req, 1);
  const headers: Record<string, string> = {};
  const h = req.get('headers');
  if (h !== undefined) {
    if (!(h instanceof ObjectValue))
      throw new BuiltinError('invalid type for field "headers": expected an object');
    for (const [k, v] of h) headers[String(k)] = typeof v === 'string' ? v : goMarshal(v);
  }
  let body = strField(req, 'raw_body');
  const jsonBody = req.get('body');
  if (body === undefined && jsonBody !== undefined && jsonBody !== null) {
    body = goMarshal(jsonBody);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json';
  }
  return {
    method: (strField(req, 'method') ?? 'GET').toUpperCase(),
    url: strField(req, 'url') ?? '',
    headers,
    body,
    timeoutMs: timeoutMs(req),
    tls: {
      caPem: pemOption(req, 'tls_ca_cert'),
      certPem: pemOption(req, 'tls_client_cert'),
      keyPem: pemOption(req, 'tls_client_key'),
      insecureSkipVerify: boolField(req, 'tls_insecure_skip_verify', false),
      serverName: strField(req, 'tls_server_name'),
    },
    maxRedirects: boolField(req, 'enable_redirect', false) ? 10 : 0,
  };
}

/** OPA's response object. */
export function responseValue(req: ObjectValue, res: HttpResponseSpec): Value {
  const headers = new ObjectValue();
  for (const [k, vs] of Object.entries(res.headers)) headers.set(k.toLowerCase(), [...vs]);
  const contentType = (res.headers['content-type'] ?? [])[0] ?? '';
  let body: Value = null;
  try {
    if (boolField(req, 'force_json_decode', false) || /[/+]json\b/.test(contentType))
      body = parseJson(res.body);
    else if (boolField(req, 'force_yaml_decode', false) || /[/+]yaml\b/.test(contentType)) {
      body = fromJS(parseYamlText(res.body, { intAsBigInt: true }) ?? null);
    }
  } catch {
    body = null; // an undecodable body stays available as raw_body
  }
  return ObjectValue.fromRecord({
    status: `${res.status} ${res.statusText}`.trim(),
    status_code: res.status,
    headers,
    raw_body: res.body,
    body,
  });
}

function send(args: readonly Value[], ctx: BuiltinContext): Value {
  const req = object(args, 0);
  const spec = requestSpec(req);
  if (ctx.network !== 'allow') throw networkRefused();
  const key = `http.send:${canonical(req)}`;
  const cached = ctx.cache.get(key);
  if (cached !== undefined) return cached;
  let res: HttpResponseSpec;
  try {
    res =
      ctx.http !== undefined
        ? ctx.http.request(spec)
        : runSync<HttpResponseSpec>({ kind: 'http', spec }, spec.timeoutMs + 1_000);
  } catch (err) {
    const message = `${spec.method} ${JSON.stringify(spec.url)}: ${(err as Error).message}`;
    if (boolField(req, 'raise_error', true)) throw new BuiltinError(message, { cause: err });
    return ObjectValue.fromRecord({
      status_code: 0,
      error: ObjectValue.fromRecord({ code: 'eval_http_send_network_error', message }),
    });
  }
  const out = responseValue(req, res);
  ctx.cache.set(key, out);
  return out;
}

export const httpBuiltins: ImplTable = {
  'http.send': { impl: send, network: true },
};
