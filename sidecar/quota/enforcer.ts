/**
 * @module The per-request quota check the sidecar calls after the policy decided which limits apply.
 * Sidecar layer, quota stage 3 of 3: local buckets in-process, global buckets in Redis (one round trip),
 * all-or-nothing across the request's limits, `on_unavailable` when Redis cannot answer.
 */
import { readFile } from 'node:fs/promises';
import type { Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.js';
import { chargeAll, type Refusal, refund, shapeOf, stateOf, worstGlobal } from './charge.js';
import type { QuotaConfig } from './config.js';
import { QuotaError } from './errors.js';
import { type LimitState, type QuotaHeaders, quotaHeaders, toSeconds } from './headers.js';
import { parseLimits, type QuotaLimit, type QuotaScope } from './limit.js';
import { type LocalBucket, LocalBucketStore } from './local-store.js';
import { type DecisionVia, QuotaMetrics } from './metrics.js';
import type { RedisQuotaBackend } from './redis-backend.js';
import type { GlobalBucket, TakeReply } from './redis-script.js';
import type { BucketShape } from './token-bucket.js';

/** Milliseconds since the epoch; tests inject a fake. */
export interface QuotaClock {
  now(): number;
}

export interface QuotaEnforcerDeps {
  /** The sidecar's registry; the engine's metrics are added to it. */
  metricsRegistry: Registry;
  logger: Logger;
  clock?: QuotaClock;
}

/** The request may proceed; add `headers` to the response. */
export interface QuotaAllowed {
  readonly allowed: true;
  readonly headers: QuotaHeaders;
}

/** The request must be refused: 429 (`exceeded`) or 503 (`unavailable`), see docs/quota.md. */
export interface QuotaDenied {
  readonly allowed: false;
  /** The limit that refused it (the one with the longest wait when several did). */
  readonly limit: string;
  readonly scope: QuotaScope;
  readonly key: string;
  /** `exceeded`: over the limit. `unavailable`: Redis down and the limit's on_unavailable is `deny`. */
  readonly reason: 'exceeded' | 'unavailable';
  readonly retryAfterSeconds: number;
  readonly headers: QuotaHeaders;
}

export type QuotaDecision = QuotaAllowed | QuotaDenied;

/** What the sidecar holds: one per process. */
export interface QuotaEnforcer {
  readonly config: QuotaConfig;
  /** Validate a quota entrypoint's result (counts malformed results in the metrics). Throws QuotaError. */
  parseLimits(value: unknown): readonly QuotaLimit[];
  /**
   * Decide one request. Never waits on Redis longer than `quota.global.timeout`. Rejects only with a
   * QuotaError (`ERR_QUOTA_NO_BACKEND`, `ERR_QUOTA_CLOSED`): deny the request then (fail closed).
   */
  check(limits: readonly QuotaLimit[], nowMs?: number): Promise<QuotaDecision>;
  /**
   * The same decision, callback style for a hot path that allocates no promise: `done` runs before
   * `decide` returns when no Redis round trip is needed (no global limits), else when Redis answered or
   * the timeout decided. `done` receives a QuotaError instead of a decision where `check` would reject.
   */
  decide(
    limits: readonly QuotaLimit[],
    done: (result: QuotaDecision | QuotaError) => void,
    nowMs?: number,
  ): void;
  /** Drop idle buckets now (also runs every `local.sweep_interval`). Returns how many were dropped. */
  sweep(nowMs?: number): number;
  /** Buckets in memory, for tests and the admin endpoint. */
  stats(): { localKeys: number; fallbackKeys: number; redisReady: boolean | undefined };
  /** Resolves when Redis is connected (never needed on the request path). */
  whenRedisReady(): Promise<void>;
  close(): Promise<void>;
}

const ALLOWED_NO_LIMITS: QuotaAllowed = Object.freeze({ allowed: true, headers: Object.freeze({}) });

/** Build the enforcer. Does not wait for Redis: until it connects, global limits follow on_unavailable. */
export async function createQuotaEnforcer(
  config: QuotaConfig,
  deps: QuotaEnforcerDeps,
): Promise<QuotaEnforcer> {
  const g = config.global;
  let backend: RedisQuotaBackend | undefined;
  const metrics = new QuotaMetrics(deps.metricsRegistry);
  if (g !== undefined) {
    const password =
      g.redis.password_file === undefined ? undefined : await readSecret(g.redis.password_file);
    const ca = g.redis.ca_file === undefined ? undefined : await readSecret(g.redis.ca_file);
    // ioredis is loaded only when global limits are configured (about 14 MB of resident memory).
    const { RedisQuotaBackend } = await import('./redis-backend.js');
    backend = new RedisQuotaBackend(g, {
      logger: deps.logger,
      metrics,
      ...(password === undefined ? {} : { password }),
      ...(ca === undefined ? {} : { ca }),
    });
  }
  return new Enforcer(config, deps, metrics, backend);
}

async function readSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new QuotaError('ERR_QUOTA_NO_BACKEND', `quota: cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
      exitCode: 2,
    });
  }
}

class Enforcer implements QuotaEnforcer {
  readonly config: QuotaConfig;
  readonly #clock: QuotaClock;
  readonly #metrics: QuotaMetrics;
  readonly #backend: RedisQuotaBackend | undefined;
  readonly #local: LocalBucketStore;
  readonly #fallback: LocalBucketStore;
  readonly #sweeper: NodeJS.Timeout;
  readonly #prefix: string;
  readonly #replicas: number;
  #closed = false;

  constructor(
    config: QuotaConfig,
    deps: QuotaEnforcerDeps,
    metrics: QuotaMetrics,
    backend?: RedisQuotaBackend,
  ) {
    this.config = config;
    this.#clock = deps.clock ?? { now: Date.now };
    this.#metrics = metrics;
    this.#backend = backend;
    this.#prefix = config.global?.key_prefix ?? '';
    this.#replicas = config.global?.replicas ?? 1;
    const store = (name: string) =>
      new LocalBucketStore({
        maxKeys: config.local.max_keys,
        onEvict: (reason, count) => metrics.eviction(name, reason, count),
      });
    this.#local = store('local');
    this.#fallback = store('fallback');
    this.#sweeper = setInterval(() => this.sweep(), config.local.sweep_interval);
    this.#sweeper.unref();
  }

  parseLimits(value: unknown): readonly QuotaLimit[] {
    try {
      return parseLimits(value, this.config.entrypoint);
    } catch (err) {
      this.#metrics.invalidLimits();
      this.#metrics.check('error');
      throw err;
    }
  }

  async check(limits: readonly QuotaLimit[], nowMs: number = this.#clock.now()): Promise<QuotaDecision> {
    return this.#decide(limits, nowMs);
  }

  decide(
    limits: readonly QuotaLimit[],
    done: (result: QuotaDecision | QuotaError) => void,
    nowMs: number = this.#clock.now(),
  ): void {
    let result: QuotaDecision | Promise<QuotaDecision>;
    try {
      result = this.#decide(limits, nowMs);
    } catch (err) {
      done(err as QuotaError);
      return;
    }
    if (result instanceof Promise) result.then(done, (err: unknown) => done(err as QuotaError));
    else done(result);
  }

  /** Decide synchronously when only local buckets are involved; a promise when Redis must answer. */
  #decide(limits: readonly QuotaLimit[], nowMs: number): QuotaDecision | Promise<QuotaDecision> {
    if (this.#closed) throw new QuotaError('ERR_QUOTA_CLOSED', 'quota: check() after close()');
    if (limits.length === 0) {
      this.#metrics.check('allowed');
      return ALLOWED_NO_LIMITS;
    }
    let globalCount = 0;
    for (const l of limits) if (l.scope === 'global') globalCount++;
    if (globalCount === 0) return this.#decideLocal(limits, nowMs);
    const locals: QuotaLimit[] = [];
    const globals: QuotaLimit[] = [];
    for (const l of limits) (l.scope === 'local' ? locals : globals).push(l);
    if (this.#backend === undefined) {
      this.#metrics.check('error');
      throw new QuotaError(
        'ERR_QUOTA_NO_BACKEND',
        `quota: limit "${globals[0]?.name}" has scope global but this sidecar has no quota.global (Redis) configured`,
      );
    }
    const states: LimitState[] = [];
    // Local buckets are charged before the Redis round trip (synchronously, so concurrent requests cannot
    // interleave) and given back if a global limit then refuses.
    const charged = chargeAll(this.#local, locals, shapeOf, nowMs, states);
    if (!Array.isArray(charged)) return this.#deny(charged, states);

    const buckets: GlobalBucket[] = globals.map((l) => ({
      redisKey: `${this.#prefix}${l.name}:${l.key}`,
      ...shapeOf(l),
      cost: l.cost,
    }));
    return (this.#backend as RedisQuotaBackend).take(buckets, nowMs).then(
      (reply) => this.#afterRedis(limits, locals, globals, charged, states, reply),
      () => this.#unavailable(limits, locals, globals, charged, nowMs, states),
    );
  }

  /** Only local limits: the buckets decide, synchronously, with nothing to split or give back. */
  #decideLocal(limits: readonly QuotaLimit[], nowMs: number): QuotaDecision {
    const states: LimitState[] = [];
    const charged = chargeAll(this.#local, limits, shapeOf, nowMs, states);
    return Array.isArray(charged) ? this.#allow(limits, states, 'local') : this.#deny(charged, states);
  }

  /** Redis answered for the request's global limits. */
  #afterRedis(
    limits: readonly QuotaLimit[],
    locals: readonly QuotaLimit[],
    globals: readonly QuotaLimit[],
    charged: LocalBucket[],
    states: LimitState[],
    reply: TakeReply,
  ): QuotaDecision {
    if (!reply.admitted) {
      refund(charged, locals, states);
      return this.#deny(worstGlobal(globals, reply.tokens, states) as Refusal, states);
    }
    for (let i = 0; i < globals.length; i++) {
      const l = globals[i] as QuotaLimit;
      states.push(stateOf(l, reply.tokens[i] as number, shapeOf(l)));
    }
    return this.#allow(limits, states, 'redis');
  }

  sweep(nowMs: number = this.#clock.now()): number {
    const dropped = this.#local.sweep(nowMs) + this.#fallback.sweep(nowMs);
    this.#metrics.keys('local', this.#local.size);
    this.#metrics.keys('fallback', this.#fallback.size);
    return dropped;
  }

  stats() {
    return {
      localKeys: this.#local.size,
      fallbackKeys: this.#fallback.size,
      redisReady: this.#backend?.ready,
    };
  }

  async whenRedisReady(): Promise<void> {
    await this.#backend?.whenReady();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#local.clear();
    this.#fallback.clear();
    await this.#backend?.close();
  }

  // --- helpers ---

  /** Each replica's share of a global limit while Redis is away (never below one request's cost). */
  #fallbackShape(l: QuotaLimit): BucketShape {
    return {
      capacity: Math.max(l.cost, Math.floor(l.limit / this.#replicas), 1),
      windowMs: l.windowSeconds * 1000,
    };
  }

  /** Redis could not answer: decide each global limit by its on_unavailable mode. */
  #unavailable(
    limits: readonly QuotaLimit[],
    locals: readonly QuotaLimit[],
    globals: readonly QuotaLimit[],
    charged: LocalBucket[],
    nowMs: number,
    states: LimitState[],
  ): QuotaDecision {
    const fallback: QuotaLimit[] = [];
    let refusal: Refusal | undefined;
    const vias = new Map<string, DecisionVia>();
    for (const l of globals) {
      const mode = l.onUnavailable ?? this.config.global?.on_unavailable ?? 'local';
      if (mode === 'local') {
        fallback.push(l);
        vias.set(l.name, 'fallback_local');
      } else if (mode === 'allow') {
        vias.set(l.name, 'unavailable_allow');
      } else if (refusal === undefined) {
        refusal = { limit: l, reason: 'unavailable', waitMs: 1000 };
      }
    }
    if (refusal !== undefined) {
      refund(charged, locals, states);
      return this.#deny(refusal, states, 'unavailable_deny');
    }
    const result = chargeAll(this.#fallback, fallback, (l) => this.#fallbackShape(l), nowMs, states);
    if (!Array.isArray(result)) {
      refund(charged, locals, states);
      return this.#deny(result, states, 'fallback_local');
    }
    return this.#allow(limits, states, 'redis', vias);
  }

  #allow(
    limits: readonly QuotaLimit[],
    states: readonly LimitState[],
    globalVia: DecisionVia,
    vias?: ReadonlyMap<string, DecisionVia>,
  ): QuotaAllowed {
    for (const l of limits) {
      const via = l.scope === 'local' ? 'local' : (vias?.get(l.name) ?? globalVia);
      this.#metrics.decision(l.name, l.scope, true, via);
    }
    this.#metrics.check('allowed');
    return {
      allowed: true,
      headers: quotaHeaders(states, { includeRateLimit: this.config.response_headers }),
    };
  }

  #deny(refusal: Refusal, states: readonly LimitState[], via?: DecisionVia): QuotaDenied {
    const l = refusal.limit;
    this.#metrics.decision(l.name, l.scope, false, via ?? (l.scope === 'local' ? 'local' : 'redis'));
    this.#metrics.check('denied');
    const retryAfterSeconds = Math.max(1, toSeconds(refusal.waitMs));
    return {
      allowed: false,
      limit: l.name,
      scope: l.scope,
      key: l.key,
      reason: refusal.reason,
      retryAfterSeconds,
      headers: quotaHeaders(states, { includeRateLimit: true, retryAfterSeconds }),
    };
  }
}
