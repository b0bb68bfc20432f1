/**
 * @module Token-bucket arithmetic shared by the in-process store and (mirrored line for line) the Redis
 * Lua script. Sidecar layer, quota: pure functions, no state, no clock of their own.
 *
 * A bucket holds up to `capacity` tokens and refills continuously at capacity/window. A request of
 * cost c is admitted when c tokens are there. There are no window edges, so there is no 2x burst at
 * an edge: at most `capacity` requests are ever admitted at once, and over any interval of length t at
 * most capacity + capacity·t/window.
 */

/** Shape of a bucket: the limit and its window. */
export interface BucketShape {
  readonly capacity: number;
  readonly windowMs: number;
}

/** Mutable state of one bucket. A missing bucket is a full one. */
export interface BucketState {
  tokens: number;
  /** Time the tokens were last brought up to date (ms, the caller's clock). */
  updatedMs: number;
}

/**
 * Floating-point slack when comparing tokens. Refill adds elapsed·capacity/window, which is inexact
 * (7 per minute refills 7/60000 per ms), so a bucket that is mathematically exactly full may read
 * 6.999999999. The slack is far below one token, so it never admits a request that should wait.
 */
export const TOKEN_EPSILON = 1e-9;

/** Bring `state` up to `nowMs`. A clock that went backwards refills nothing and does not rewind. */
export function refill(state: BucketState, shape: BucketShape, nowMs: number): void {
  if (nowMs > state.updatedMs) {
    const tokens = state.tokens + ((nowMs - state.updatedMs) * shape.capacity) / shape.windowMs;
    state.tokens = tokens > shape.capacity ? shape.capacity : tokens;
    state.updatedMs = nowMs;
  } else if (state.tokens > shape.capacity) {
    // The limit shrank since the bucket was filled (new policy revision): clamp to the new capacity.
    state.tokens = shape.capacity;
  }
}

/** Whether `cost` tokens are there (after refill). */
export function hasTokens(state: BucketState, cost: number): boolean {
  return state.tokens + TOKEN_EPSILON >= cost;
}

/** Take `cost` tokens; call only after `hasTokens`. */
export function take(state: BucketState, cost: number): void {
  const tokens = state.tokens - cost;
  state.tokens = tokens > 0 ? tokens : 0;
}

/** Give back tokens taken for a request that another limit then denied. */
export function giveBack(state: BucketState, shape: BucketShape, cost: number): void {
  const tokens = state.tokens + cost;
  state.tokens = tokens > shape.capacity ? shape.capacity : tokens;
}

/** Whole requests of cost 1 still admissible now (the `r` of the RateLimit header). */
export function remaining(tokens: number): number {
  return Math.floor(tokens + TOKEN_EPSILON);
}

/** Milliseconds until the bucket is full again (the `t` of the RateLimit header; idle-key expiry). */
export function msUntilFull(tokens: number, shape: BucketShape): number {
  const missing = shape.capacity - tokens;
  return missing <= TOKEN_EPSILON ? 0 : (missing * shape.windowMs) / shape.capacity;
}

/** Milliseconds until `cost` tokens are there (Retry-After for a denied request). */
export function msUntilAvailable(tokens: number, shape: BucketShape, cost: number): number {
  const missing = cost - tokens;
  return missing <= TOKEN_EPSILON ? 0 : (missing * shape.windowMs) / shape.capacity;
}
