/**
 * @module `providers.aws.sign_req`: AWS Signature Version 4 for a request object, as OPA signs it (host and
 * x-amz-date headers, x-amz-content-sha256 for s3/glacier, session tokens, optional unsigned payload).
 */
import { createHash, createHmac } from 'node:crypto';
import { ObjectValue, type Value } from '../value/index.js';
import { typeError } from './builtin-error.js';
import { goMarshal } from './go-json.js';
import { fromUnixNano } from './go-time.js';
import { formatTime } from './go-time-format.js';
import { quoteList, validateRequestKeys } from './http-send.js';
import type { ImplTable } from './impl-types.js';
import { bigIntOf, num, object } from './operands.js';

const REQUIRED = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
// Headers a proxy may change on the way are not signed (as the AWS SDKs do).
const IGNORED = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** Go's url.URL.EscapedPath: the path as written (empty for `http://host`), escaped where needed. */
function escapedPath(raw: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(raw);
  const path = m?.[1] ?? '';
  return /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/.test(path) ? path : encodeURI(path);
}

function sign(args: readonly Value[]): Value {
  const req = object(args, 0);
  const config = object(args, 1);
  const missing = REQUIRED.filter((k) => !config.has(k));
  if (missing.length > 0)
    throw typeError(`operand 2 missing required AWS config parameters(s): ${quoteList(missing)}`);
  const invalid = REQUIRED.filter((k) => typeof config.get(k) !== 'string');
  if (invalid.length > 0)
    throw typeError(`operand 2 invalid values for required AWS config parameters(s): ${quoteList(invalid)}`);
  const ts = bigIntOf(num(args, 2));
  if (ts === undefined || ts < -(2n ** 63n) || ts >= 2n ** 63n) {
    throw typeError('operand 3 could not convert time_ns value into a unix timestamp');
  }
  validateRequestKeys(req, 1);
  const badTypes = ['method', 'url'].filter((k) => typeof req.get(k) !== 'string');
  if (badTypes.length > 0)
    throw typeError(`operand 1 invalid values for required request parameters(s): ${quoteList(badTypes)}`);
  const headersIn = req.get('headers') ?? new ObjectValue();
  if (!(headersIn instanceof ObjectValue))
    throw typeError(`operand 0 must be object but got ${typeof headersIn}`);
  const flag = config.get('disable_payload_signing');
  if (flag !== undefined && typeof flag !== 'boolean') {
    throw typeError("operand 2 invalid value for 'disable_payload_signing' in AWS config");
  }
  const service = config.get('aws_service') as string;
  const region = config.get('aws_region') as string;
  const session = config.get('aws_session_token');
  const url = new URL(req.get('url') as string);
  const rawBody = req.get('raw_body');
  const body = req.get('body');
  const payload = typeof rawBody === 'string' ? rawBody : body !== undefined ? goMarshal(body) : '';
  const bodyHash = flag === true ? 'UNSIGNED-PAYLOAD' : sha256Hex(Buffer.from(payload, 'utf8'));
  const t = fromUnixNano(ts);
  const date = formatTime(t, '20060102');
  const stamp = formatTime(t, '20060102T150405Z');

  const awsHeaders: Record<string, string> = { host: url.host, 'x-amz-date': stamp };
  if (service === 's3' || service === 'glacier') awsHeaders['x-amz-content-sha256'] = bodyHash;
  if (typeof session === 'string' && session !== '') awsHeaders['x-amz-security-token'] = session;

  const original: Record<string, string> = {};
  for (const [k, v] of headersIn) original[String(k)] = typeof v === 'string' ? v : '';
  const toSign: Record<string, string> = { ...awsHeaders };
  for (const [k, v] of Object.entries(original))
    if (!IGNORED.has(k.toLowerCase())) toSign[k.toLowerCase()] = v;
  const names = Object.keys(toSign).sort();
  const canonical = [
    req.get('method') as string,
    escapedPath(req.get('url') as string),
    url.search.replace(/^\?/, ''),
    ...names.map((k) => `${k}:${toSign[k]}`),
    '',
    names.join(';'),
    bodyHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSignText = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac(`AWS4${config.get('aws_secret_access_key') as string}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, toSignText).toString('hex');

  const headers = ObjectValue.fromRecord(original);
  headers.set(
    'Authorization',
    `AWS4-HMAC-SHA256 Credential=${config.get('aws_access_key') as string}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}`,
  );
  for (const [k, v] of Object.entries(awsHeaders)) headers.set(k, v);
  return req.clone().set('headers', headers);
}

export const awsBuiltins: ImplTable = {
  'providers.aws.sign_req': sign,
};
