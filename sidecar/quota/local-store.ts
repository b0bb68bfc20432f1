/**
 * @module In-process token buckets, bounded in memory. Sidecar layer, quota: enforces `local` limits and
 * the `local` fallback of global limits. One store per purpose; all methods are synchronous, so a
 * check-then-take across several buckets is atomic in Node's single thread.
 *
 * Memory bound: a bucket that has refilled to full is indistinguishable from a missing one, so idle
 * buckets are dropped by `sweep()` with no effect on decisions. Past `maxKeys` distinct buckets one is
 * evicted, chosen by CLOCK (second chance), the usual cheap approximation of least-recently-used: a use
 * only sets a flag, and eviction walks from the oldest entry, moving flagged ones to the back with the
 * flag cleared, until it finds an unflagged one. The evicted bucket's next request starts full, so keys
 * in active use are favoured over a flood of one-off keys.
 */
import { type BucketShape, type BucketState, msUntilFull, refill } from './token-bucket.js';

/** A bucket plus the shape it was last used with (needed to know when it is full again). */
export interface LocalBucket extends BucketState {
  capacity: number;
  windowMs: number;
  /** Used since the eviction hand last passed (CLOCK). */
  used: boolean;
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
   * The bucket for `id`, refilled to `nowMs` and marked used; created full when absent (evicting one
   * bucket first if the store is at its cap).
   */
  bucket(id: string, shape: BucketShape, nowMs: number): LocalBucket {
    let b = this.#buckets.get(id);
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#evictOne();
      // New buckets start unflagged: a one-off key (a scan, a spoofing flood) is the first to go.
      b = {
        tokens: shape.capacity,
        updatedMs: nowMs,
        capacity: shape.capacity,
        windowMs: shape.windowMs,
        used: false,
      };
      this.#buckets.set(id, b);
    } else {
      b.used = true;
      b.capacity = shape.capacity;
      b.windowMs = shape.windowMs;
      refill(b, shape, nowMs);
    }
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

  /** CLOCK: give flagged buckets a second chance at the back; evict the first unflagged one. */
  #evictOne(): void {
    // Bounded: after one full pass every flag is cleared, so the second pass evicts the oldest.
    for (let pass = 0; pass < 2 * this.#buckets.size + 1; pass++) {
      const oldest = this.#buckets.entries().next();
      if (oldest.done === true) return;
      const [id, b] = oldest.value;
      this.#buckets.delete(id);
      if (b.used) {
        b.used = false;
        this.#buckets.set(id, b);
        continue;
      }
      this.#onEvict('cap', 1);
      return;
    }
  }
}

/** Id of the bucket for one limit and key. NUL cannot occur in a limit name, so ids never collide. */
export function bucketId(name: string, key: string): string {
  return `${name}\u0000${key}`;
}
