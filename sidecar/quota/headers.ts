/**
 * @module Response header values for quota decisions: `RateLimit-Policy` and `RateLimit` from the IETF
 * httpapi draft (draft-ietf-httpapi-ratelimit-headers-10, Structured Field lists of items named by the
 * limit) and `Retry-After` (RFC 9110 §10.2.3, delay-seconds). Sidecar layer, quota: formatting only.
 *
 * The draft's optional `pk` (partition key) parameter is never sent: the key is chosen by the policy and
 * may name another party (a principal, a tenant), which the client has no business seeing.
 */

/** The state of one limit after a decision, in the units the headers use. */
export interface LimitState {
  readonly name: string;
  /** Quota units per window (`q`). */
  readonly limit: number;
  readonly windowSeconds: number;
  /** Whole units still available (`r`). */
  readonly remaining: number;
  /** Milliseconds until the quota is fully restored (`t`, rounded up to seconds). */
  readonly resetMs: number;
}

/** Header names are lowercase: HTTP/2 and HTTP/3 require it, and HTTP/1.1 does not care. */
export interface QuotaHeaders {
  'ratelimit-policy'?: string;
  ratelimit?: string;
  'retry-after'?: string;
}

/** `"orders";q=100;w=60, "service";q=10000;w=1` — names are limited to an alphabet needing no escapes. */
export function rateLimitPolicyValue(states: readonly LimitState[]): string {
  if (states.length === 1) return policyItem(states[0] as LimitState);
  let out = '';
  for (const s of states) out += `${out === '' ? '' : ', '}${policyItem(s)}`;
  return out;
}

/**
 * A limit's policy item only changes with its name, quota and window, which repeat on every request: it
 * is formatted once per name and reused while those stay the same. Bounded like the metrics' names.
 */
const policyItems = new Map<string, { limit: number; windowSeconds: number; text: string }>();

function policyItem(s: LimitState): string {
  const cached = policyItems.get(s.name);
  if (cached !== undefined && cached.limit === s.limit && cached.windowSeconds === s.windowSeconds) {
    return cached.text;
  }
  const text = `"${s.name}";q=${s.limit};w=${s.windowSeconds}`;
  if (policyItems.size >= 1024) policyItems.clear();
  policyItems.set(s.name, { limit: s.limit, windowSeconds: s.windowSeconds, text });
  return text;
}

/** `"orders";r=41;t=36, "service";r=9999;t=1`. */
export function rateLimitValue(states: readonly LimitState[]): string {
  let out = '';
  for (const s of states)
    out += `${out === '' ? '' : ', '}"${s.name}";r=${s.remaining};t=${toSeconds(s.resetMs)}`;
  return out;
}

/** Whole seconds, rounded up: a client that waits `t` seconds must find the quota restored. */
export function toSeconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 1000 - 1e-9);
}

/** Build the header set for a decision. `retryAfterSeconds` only for denials. */
export function quotaHeaders(
  states: readonly LimitState[],
  options: { includeRateLimit: boolean; retryAfterSeconds?: number },
): QuotaHeaders {
  const headers: QuotaHeaders = {};
  if (options.includeRateLimit && states.length > 0) {
    headers['ratelimit-policy'] = rateLimitPolicyValue(states);
    headers.ratelimit = rateLimitValue(states);
  }
  if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
  return headers;
}
