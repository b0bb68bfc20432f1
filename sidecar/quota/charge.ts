/**
 * @module Charging a request's limits against in-process buckets, all or nothing, and describing each
 * limit's state for the headers. Sidecar layer, quota: used by the enforcer for `local` limits and for the
 * `local` fallback of global limits while Redis is unavailable.
 */
import type { LimitState } from './headers.js';
import type { QuotaLimit } from './limit.js';
import { bucketId, type LocalBucket, type LocalBucketStore } from './local-store.js';
import {
  type BucketShape,
  giveBack,
  hasTokens,
  msUntilAvailable,
  msUntilFull,
  remaining,
  take,
} from './token-bucket.js';

/** A limit that refused the request, and how long until it would admit it. */
export interface Refusal {
  readonly limit: QuotaLimit;
  readonly reason: 'exceeded' | 'unavailable';
  readonly waitMs: number;
}

/**
 * Bucket ids by limit. The parser hands out one frozen object per limit and key (sidecar/quota/limit.ts),
 * so a returning caller finds its id here instead of building a new string that the store's map would
 * have to flatten and hash on every request.
 */
const ids = new WeakMap<QuotaLimit, string>();

function idOf(l: QuotaLimit): string {
  let id = ids.get(l);
  if (id === undefined) {
    id = bucketId(l.name, l.key);
    ids.set(l, id);
  }
  return id;
}

/** The bucket shape a limit declares. */
export function shapeOf(l: QuotaLimit): BucketShape {
  return { capacity: l.limit, windowMs: l.windowSeconds * 1000 };
}

/** Header state of a limit whose bucket holds `tokens`. */
export function stateOf(l: QuotaLimit, tokens: number, shape: BucketShape): LimitState {
  return {
    name: l.name,
    limit: shape.capacity,
    windowSeconds: l.windowSeconds,
    remaining: remaining(tokens),
    resetMs: msUntilFull(tokens, shape),
  };
}

/**
 * Check every limit against `store`, then charge all of them, or none when one refuses (returning the
 * refusal with the longest wait). Synchronous, so concurrent requests cannot interleave. The states of the
 * checked limits are appended to `states`.
 */
export function chargeAll(
  store: LocalBucketStore,
  limits: readonly QuotaLimit[],
  shapeFor: (l: QuotaLimit) => BucketShape,
  nowMs: number,
  states: LimitState[],
): LocalBucket[] | Refusal {
  const buckets: LocalBucket[] = [];
  let worst: Refusal | undefined;
  for (const l of limits) {
    const shape = shapeFor(l);
    const b = store.bucket(idOf(l), shape, nowMs);
    buckets.push(b);
    if (!hasTokens(b, l.cost)) {
      const waitMs = msUntilAvailable(b.tokens, shape, l.cost);
      if (worst === undefined || waitMs > worst.waitMs) worst = { limit: l, reason: 'exceeded', waitMs };
    }
  }
  for (let i = 0; i < limits.length; i++) {
    const b = buckets[i] as LocalBucket;
    const l = limits[i] as QuotaLimit;
    if (worst === undefined) take(b, l.cost);
    states.push(stateOf(l, b.tokens, b));
  }
  return worst ?? buckets;
}

/** Give back the charges of a request another limit refused; their states (the first ones) follow. */
export function refund(
  buckets: readonly LocalBucket[],
  limits: readonly QuotaLimit[],
  states: LimitState[],
): void {
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as LocalBucket;
    const l = limits[i] as QuotaLimit;
    giveBack(b, b, l.cost);
    states[i] = stateOf(l, b.tokens, b);
  }
}

/** The refusal with the longest wait among global limits Redis found short of tokens. */
export function worstGlobal(
  globals: readonly QuotaLimit[],
  tokens: readonly number[],
  states: LimitState[],
): Refusal | undefined {
  let worst: Refusal | undefined;
  for (let i = 0; i < globals.length; i++) {
    const l = globals[i] as QuotaLimit;
    const t = tokens[i] as number;
    const shape = shapeOf(l);
    states.push(stateOf(l, t, shape));
    if (!hasTokens({ tokens: t, updatedMs: 0 }, l.cost)) {
      const waitMs = msUntilAvailable(t, shape, l.cost);
      if (worst === undefined || waitMs > worst.waitMs) worst = { limit: l, reason: 'exceeded', waitMs };
    }
  }
  return worst;
}
