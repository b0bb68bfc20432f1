/**
 * @module Per-caller token buckets plus a global in-flight cap for the issuance API, so a thundering herd of
 * restarting workloads gets fast RESOURCE_EXHAUSTED answers (and backs off) instead of everyone timing out.
 */
import type { Clock } from '../clock.js';

export interface RateLimitSettings {
  /** Sustained issuances per second per caller. */
  perCallerRate: number;
  /** Burst a caller may spend at once. */
  perCallerBurst: number;
  /** Requests being processed at once, over all callers. */
  maxInFlight: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  perCallerRate: 50,
  perCallerBurst: 100,
  maxInFlight: 512,
};

/** Idle buckets are forgotten after this long so the map stays bounded by active callers. */
const IDLE_MS = 60_000;
const MAX_BUCKETS = 100_000;

export type Admission =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'caller' | 'overload'; retryAfterMs: number };

export class RateLimiter {
  readonly settings: RateLimitSettings;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #inFlight = 0;

  constructor(settings: RateLimitSettings, clock: Clock) {
    this.settings = settings;
    this.#clock = clock;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Admit one request from `caller`, or say how long to wait. Call `release()` when done. */
  admit(caller: string): Admission {
    const now = this.#clock.now();
    if (this.#inFlight >= this.settings.maxInFlight)
      return { ok: false, reason: 'overload', retryAfterMs: 100 };
    const { perCallerRate: rate, perCallerBurst: burst } = this.settings;
    let bucket = this.#buckets.get(caller);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#evict(now);
      bucket = { tokens: burst, at: now };
      this.#buckets.set(caller, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
      bucket.at = now;
    }
    if (bucket.tokens < 1) {
      return { ok: false, reason: 'caller', retryAfterMs: Math.ceil(((1 - bucket.tokens) / rate) * 1000) };
    }
    bucket.tokens -= 1;
    this.#inFlight++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (!released) {
          released = true;
          this.#inFlight--;
        }
      },
    };
  }

  #evict(now: number): void {
    for (const [key, b] of this.#buckets) if (now - b.at > IDLE_MS) this.#buckets.delete(key);
    if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.clear();
  }
}
