/**
 * @module In-process token buckets, bounded in memory. Sidecar layer, quota: enforces `local` limits and
 * the `local` fallback of global limits. One store per purpose; all methods are synchronous, so a
 * check-then-take across several buckets is atomic in Node's single thread.
 *
 * Memory bound: a bucket that has refilled to full is indistinguishable from a missing one, so idle
 * buckets are dropped by `sweep()` with no effect on decisions. Past `maxKeys` distinct buckets the least
 * recently used is evicted (Map insertion order, refreshed on every use): that bucket's next request
 * starts full, which favours keys in active use over a flood of one-off keys.
 */
import { type BucketShape, type BucketState, msUntilFull, refill } from './token-bucket.js';

/** A bucket plus the shape it was last used with (needed to know when it is full again). */
export interface LocalBucket extends BucketState {
  capacity: number;
  windowMs: number;
}

export type EvictionReason = 'idle' | 'cap';

export interface LocalStoreOptions {
  maxKeys: number;
  /** Called for every dropped bucket (metrics). */
  onEvict?: (reason: EvictionReason, count: number) => void;
}

/** Bounded map of bucket id -> bucket. */
export class LocalBucketStore {
  readonly #buckets = new Map<string, LocalBucket>();
  readonly #maxKeys: number;
  readonly #onEvict: (reason: EvictionReason, count: number) => void;

  constructor(options: LocalStoreOptions) {
    if (!Number.isInteger(options.maxKeys) || options.maxKeys < 1) {
      throw new RangeError(`LocalBucketStore: maxKeys must be a positive integer (found ${options.maxKeys})`);
    }
    this.#maxKeys = options.maxKeys;
    this.#onEvict = options.onEvict ?? (() => {});
  }

  get size(): number {
    return this.#buckets.size;
  }

  /**
   * The bucket for `id`, refilled to `nowMs` and marked most recently used; created full when absent
   * (evicting the least recently used bucket if the store is at its cap).
   */
  bucket(id: string, shape: BucketShape, nowMs: number): LocalBucket {
    let b = this.#buckets.get(id);
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#evictOldest();
      b = { tokens: shape.capacity, updatedMs: nowMs, capacity: shape.capacity, windowMs: shape.windowMs };
    } else {
      // Re-insert to move it to the back of the iteration order (most recently used).
      this.#buckets.delete(id);
      b.capacity = shape.capacity;
      b.windowMs = shape.windowMs;
      refill(b, shape, nowMs);
    }
    this.#buckets.set(id, b);
    return b;
  }

  /** Drop every bucket that is full again at `nowMs`. Returns how many were dropped. */
  sweep(nowMs: number): number {
    let dropped = 0;
    for (const [id, b] of this.#buckets) {
      if (nowMs >= b.updatedMs && msUntilFull(b.tokens, b) <= nowMs - b.updatedMs) {
        this.#buckets.delete(id);
        dropped++;
      }
    }
    if (dropped > 0) this.#onEvict('idle', dropped);
    return dropped;
  }

  clear(): void {
    this.#buckets.clear();
  }

  #evictOldest(): void {
    const oldest = this.#buckets.keys().next();
    if (oldest.done !== true) {
      this.#buckets.delete(oldest.value);
      this.#onEvict('cap', 1);
    }
  }
}

/** Id of the bucket for one limit and key. NUL cannot occur in a limit name, so ids never collide. */
export function bucketId(name: string, key: string): string {
  return `${name}\u0000${key}`;
}
