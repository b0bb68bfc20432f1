/**
 * @module Citadel server metrics on a prom-client registry of its own (exposed by the server object and,
 * optionally, over HTTP by `citadel serve --metrics-listen`).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface CitadelMetrics {
  registry: Registry;
  requests: Counter<'method' | 'code'>;
  issued: Counter<'via'>;
  rateLimited: Counter<'reason'>;
  issuanceSeconds: Histogram<'via'>;
  bundleSequence: Gauge;
  bundleWatchers: Gauge;
}

export function createCitadelMetrics(): CitadelMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: 'citadel_requests_total',
      help: 'gRPC requests by method and final status code',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    issued: new Counter({
      name: 'citadel_svids_issued_total',
      help: 'X.509-SVIDs issued, by authentication method',
      labelNames: ['via'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'citadel_rate_limited_total',
      help: 'Requests refused by the rate limiter (caller = per-caller bucket, overload = global in-flight cap)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    issuanceSeconds: new Histogram({
      name: 'citadel_issuance_duration_seconds',
      help: 'Time to issue one SVID, from request to response',
      labelNames: ['via'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    bundleSequence: new Gauge({
      name: 'citadel_bundle_sequence',
      help: 'Current trust bundle spiffe_sequence',
      registers: [registry],
    }),
    bundleWatchers: new Gauge({
      name: 'citadel_bundle_watchers',
      help: 'Open WatchTrustBundle streams',
      registers: [registry],
    }),
  };
}
