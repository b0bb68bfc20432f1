/**
 * @module Prometheus metrics of the quota engine, registered on the registry the sidecar passes in.
 * Sidecar layer, quota. Label values are bounded: limit names come from the policy, never keys.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EvictionReason } from './local-store.js';

/** How a limit was decided: by its own bucket, or by the outage rule when Redis could not answer. */
export type DecisionVia = 'local' | 'redis' | 'fallback_local' | 'unavailable_allow' | 'unavailable_deny';

export type RedisFailure = 'timeout' | 'unavailable' | 'error';

const VIAS: readonly DecisionVia[] = [
  'local',
  'redis',
  'fallback_local',
  'unavailable_allow',
  'unavailable_deny',
];

/**
 * Per-request counts are kept as plain numbers and added to the prom-client counters when the registry
 * is scraped (`collect`): `Counter.inc(labels)` hashes its labels on every call, which would cost more
 * than the quota decision itself. Shared by every QuotaMetrics on one registry.
 */
interface PendingCounts {
  /** limit name -> 20 slots: scope (2) x decision (2) x via (5). */
  decisions: Map<string, number[]>;
  checks: { allowed: number; denied: number; error: number };
}

const pendingByRegistry = new WeakMap<Registry, PendingCounts>();

/** The engine's metrics; every method is cheap enough for the request path. */
export class QuotaMetrics {
  readonly #redisFailures: Counter<'reason'>;
  readonly #redisUp: Gauge;
  readonly #redisSeconds: Histogram;
  readonly #keys: Gauge<'store'>;
  readonly #evictions: Counter<'store' | 'reason'>;
  readonly #invalid: Counter;
  readonly #pending: PendingCounts;

  constructor(registry: Registry) {
    let pending = pendingByRegistry.get(registry);
    if (pending === undefined) {
      pending = { decisions: new Map(), checks: { allowed: 0, denied: 0, error: 0 } };
      pendingByRegistry.set(registry, pending);
    }
    this.#pending = pending;
    const p = pending;
    // Reuse metrics already on the registry: a sidecar that rebuilds its enforcer (config reload) or a
    // test running two enforcers in one process must not fail on "already registered".
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      (registry.getSingleMetric(name) as Counter<L> | undefined) ??
      new Counter<L>({ name, help, labelNames, registers: [registry] });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
      (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
      new Gauge<L>({ name, help, labelNames, registers: [registry] });

    // Nothing keeps these two but the registry: they read the pending counts when it is scraped.
    if (registry.getSingleMetric('palisade_quota_limit_decisions_total') === undefined) {
      registry.registerMetric(
        new Counter<'limit' | 'scope' | 'decision' | 'via'>({
          name: 'palisade_quota_limit_decisions_total',
          help: 'Quota decisions per limit.',
          labelNames: ['limit', 'scope', 'decision', 'via'],
          registers: [],
          collect() {
            for (const [limit, slots] of p.decisions) {
              for (let i = 0; i < slots.length; i++) {
                const n = slots[i] as number;
                if (n === 0) continue;
                slots[i] = 0;
                const labels = {
                  limit,
                  scope: i >= 10 ? 'global' : 'local',
                  decision: i % 10 >= 5 ? 'allowed' : 'denied',
                  via: VIAS[i % 5] as DecisionVia,
                };
                this.inc(labels, n);
              }
            }
          },
        }),
      );
    }
    if (registry.getSingleMetric('palisade_quota_checks_total') === undefined) {
      registry.registerMetric(
        new Counter<'decision'>({
          name: 'palisade_quota_checks_total',
          help: 'Requests checked against quota, by outcome.',
          labelNames: ['decision'],
          registers: [],
          collect() {
            for (const decision of ['allowed', 'denied', 'error'] as const) {
              const n = p.checks[decision];
              if (n === 0) continue;
              p.checks[decision] = 0;
              this.inc({ decision }, n);
            }
          },
        }),
      );
    }
    this.#redisFailures = counter(
      'palisade_quota_redis_failures_total',
      'Redis round trips that failed (timeout, not connected, error reply).',
      ['reason'],
    );
    this.#redisUp = gauge(
      'palisade_quota_redis_up',
      'Whether the Redis connection is ready (1) or not (0).',
      [],
    );
    this.#redisSeconds =
      (registry.getSingleMetric('palisade_quota_redis_seconds') as Histogram | undefined) ??
      new Histogram({
        name: 'palisade_quota_redis_seconds',
        help: 'Latency of successful Redis quota round trips.',
        buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
        registers: [registry],
      });
    this.#keys = gauge('palisade_quota_local_keys', 'Buckets held in memory.', ['store']);
    this.#evictions = counter('palisade_quota_local_evictions_total', 'Buckets dropped from memory.', [
      'store',
      'reason',
    ]);
    this.#invalid = counter(
      'palisade_quota_invalid_limits_total',
      'Policy results rejected as malformed limits (requests denied).',
      [],
    );
  }

  decision(limit: string, scope: 'local' | 'global', allowed: boolean, via: DecisionVia): void {
    const decisions = this.#pending.decisions;
    let slots = decisions.get(limit);
    if (slots === undefined) {
      // Limit names come from the policy, so this stays small; a policy deriving names from input
      // (a bug) must still not grow it without end.
      if (decisions.size >= 10_000) decisions.clear();
      slots = new Array<number>(20).fill(0);
      decisions.set(limit, slots);
    }
    (slots[(scope === 'global' ? 10 : 0) + (allowed ? 5 : 0) + VIAS.indexOf(via)] as number)++;
  }

  check(decision: 'allowed' | 'denied' | 'error'): void {
    this.#pending.checks[decision]++;
  }

  redisFailure(reason: RedisFailure): void {
    this.#redisFailures.inc({ reason });
  }

  redisUp(up: boolean): void {
    this.#redisUp.set(up ? 1 : 0);
  }

  redisLatency(seconds: number): void {
    this.#redisSeconds.observe(seconds);
  }

  keys(store: string, count: number): void {
    this.#keys.set({ store }, count);
  }

  eviction(store: string, reason: EvictionReason, count: number): void {
    this.#evictions.inc({ store, reason }, count);
  }

  invalidLimits(): void {
    this.#invalid.inc();
  }
}
