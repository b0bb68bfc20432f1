/**
 * @module Prometheus metrics of the quota engine, registered on the registry the sidecar passes in.
 * Sidecar layer, quota. Label values are bounded: limit names come from the policy, never keys.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EvictionReason } from './local-store.js';

/** How a limit was decided: by its own bucket, or by the outage rule when Redis could not answer. */
export type DecisionVia = 'local' | 'redis' | 'fallback_local' | 'unavailable_allow' | 'unavailable_deny';

export type RedisFailure = 'timeout' | 'unavailable' | 'error';

/** The engine's metrics; every method is cheap enough for the request path. */
export class QuotaMetrics {
  readonly #decisions: Counter<'limit' | 'scope' | 'decision' | 'via'>;
  readonly #checks: Counter<'decision'>;
  readonly #redisFailures: Counter<'reason'>;
  readonly #redisUp: Gauge;
  readonly #redisSeconds: Histogram;
  readonly #keys: Gauge<'store'>;
  readonly #evictions: Counter<'store' | 'reason'>;
  readonly #invalid: Counter;

  constructor(registry: Registry) {
    // Reuse metrics already on the registry: a sidecar that rebuilds its enforcer (config reload) or a
    // test running two enforcers in one process must not fail on "already registered".
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      (registry.getSingleMetric(name) as Counter<L> | undefined) ??
      new Counter<L>({ name, help, labelNames, registers: [registry] });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
      (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
      new Gauge<L>({ name, help, labelNames, registers: [registry] });

    this.#decisions = counter('palisade_quota_limit_decisions_total', 'Quota decisions per limit.', [
      'limit',
      'scope',
      'decision',
      'via',
    ]);
    this.#checks = counter('palisade_quota_checks_total', 'Requests checked against quota, by outcome.', [
      'decision',
    ]);
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

  decision(limit: string, scope: string, allowed: boolean, via: DecisionVia): void {
    this.#decisions.inc({ limit, scope, decision: allowed ? 'allowed' : 'denied', via });
  }

  check(decision: 'allowed' | 'denied' | 'error'): void {
    this.#checks.inc({ decision });
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
