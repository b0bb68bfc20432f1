/**
 * @module The quota stage of the request flow, between authorization and forwarding: validates the limits
 * the policy returned for an allowed request and asks the enforcer (sidecar/quota) whether they admit it.
 * Protocols layer, shared by HTTP and TCP. Fails closed: unusable limits or an enforcer error refuse the
 * request. Callback style like `authorize()`: with only local limits, `done` runs before this returns.
 */
import type { QuotaDecision, QuotaEnforcer, QuotaLimit } from '../quota/index.js';
import { QuotaError } from '../quota/index.js';
import { denied, type Refusal, tooManyRequests, unavailable } from '../rescue.js';

/** The request may go on; put `headers` (RateLimit-Policy / RateLimit) on its response. */
export interface QuotaPass {
  readonly pass: true;
  readonly headers: Readonly<Record<string, string>>;
}

/** The request is refused. `limit` names the refusing limit (absent when the limits were unusable). */
export interface QuotaStop {
  readonly pass: false;
  readonly refusal: Refusal;
  /** `deny`: a limit refused it. `error`: the policy's limits or the enforcer failed (fail closed). */
  readonly decision: 'deny' | 'error';
  readonly limit?: { name: string; limit: number; remaining: number; window_ms: number };
}

export type QuotaOutcome = QuotaPass | QuotaStop;

const NO_QUOTA: QuotaPass = Object.freeze({ pass: true, headers: Object.freeze({}) });

/** Decide the quota part of a request authorization allowed. `rawLimits`: the policy's quota value. */
export function gateQuota(
  quota: QuotaEnforcer | undefined,
  rawLimits: unknown,
  done: (outcome: QuotaOutcome) => void,
): void {
  if (quota === undefined) {
    done(NO_QUOTA);
    return;
  }
  let limits: readonly QuotaLimit[];
  try {
    limits = quota.parseLimits(rawLimits);
  } catch (err) {
    // A policy bug, not the caller's: refuse, and say why in the audit record (the enforcer counts it).
    done({
      pass: false,
      decision: 'error',
      refusal: denied(`quota policy returned unusable limits: ${(err as Error).message}`),
    });
    return;
  }
  quota.decide(limits, (result: QuotaDecision | QuotaError) => done(outcomeOf(result, limits)));
}

function outcomeOf(result: QuotaDecision | QuotaError, limits: readonly QuotaLimit[]): QuotaOutcome {
  if (result instanceof QuotaError) {
    return { pass: false, decision: 'error', refusal: unavailable(`quota unavailable: ${result.message}`) };
  }
  const headers = result.headers as Readonly<Record<string, string>>;
  if (result.allowed) return { pass: true, headers };
  const spec = limits.find((l) => l.name === result.limit && l.key === result.key);
  const limit = {
    name: result.limit,
    limit: spec?.limit ?? 0,
    remaining: 0,
    window_ms: (spec?.windowSeconds ?? 0) * 1000,
  };
  const refusal =
    result.reason === 'exceeded'
      ? tooManyRequests(`quota exceeded: ${result.limit} (${result.scope})`, headers)
      : unavailable(`quota unavailable: ${result.limit} (${result.scope}) cannot be checked`, headers);
  return { pass: false, decision: 'deny', refusal, limit };
}
