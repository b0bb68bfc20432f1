/**
 * @module The sidecar's Prometheus metrics (prom-client), one registry per sidecar so several can share a
 * process in tests. Admin layer; the hot path only increments pre-labelled children.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, fine-grained below a millisecond where a proxy's overhead lives. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
const EVAL_BUCKETS = [0.000002, 0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.0005, 0.001, 0.01, 0.1];

/** Every metric the sidecar exports. */
export class SidecarMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'palisade_sidecar_requests_total',
    help: 'Inbound requests (connections for tcp) by decision and response code',
    labelNames: ['listener', 'protocol', 'decision', 'code'] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'palisade_sidecar_request_duration_seconds',
    help: 'Inbound request latency through the sidecar, decision to response end',
    labelNames: ['listener', 'decision'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly policySeconds = new Histogram({
    name: 'palisade_sidecar_policy_eval_seconds',
    help: 'Time to evaluate the authorization policy',
    buckets: EVAL_BUCKETS,
    registers: [this.registry],
  });
  readonly policyRevision = new Gauge({
    name: 'palisade_sidecar_policy_revision_info',
    help: 'The policy bundle revision in force (value 1)',
    labelNames: ['revision'] as const,
    registers: [this.registry],
  });
  readonly policyReloads = new Counter({
    name: 'palisade_sidecar_policy_reloads_total',
    help: 'Policy bundle loads by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly policyWorkerRestarts = new Counter({
    name: 'palisade_sidecar_policy_worker_restarts_total',
    help: 'Policy worker threads replaced after a timeout or crash',
    registers: [this.registry],
  });
  readonly certExpirySeconds: Gauge;
  readonly identityUpdates = new Counter({
    name: 'palisade_sidecar_identity_updates_total',
    help: 'SVID and trust bundle updates by kind and result',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  readonly tlsFailures = new Counter({
    name: 'palisade_sidecar_tls_failures_total',
    help: 'Inbound connections refused before a request: plaintext to STRICT, bad client certificate, ...',
    labelNames: ['listener', 'reason'] as const,
    registers: [this.registry],
  });
  readonly outbound = new Counter({
    name: 'palisade_sidecar_outbound_connections_total',
    help: 'Outbound connections by upstream service and result',
    labelNames: ['service', 'result'] as const,
    registers: [this.registry],
  });
  readonly auditDropped = new Counter({
    name: 'palisade_sidecar_audit_unwritten_total',
    help: 'Decisions refused (block) or not recorded (drop) because the audit log could not be written',
    registers: [this.registry],
  });

  /** `certExpiry` is read on each scrape, so the gauge is current without a timer. */
  constructor(certExpiry: () => number) {
    // The process's own figures (resident memory, heap, CPU, event-loop delay, GC): what an operator sizing a
    // pod's limits or chasing latency looks at first. Gathered when scraped.
    collectDefaultMetrics({ register: this.registry });
    this.certExpirySeconds = new Gauge({
      name: 'palisade_sidecar_certificate_expiry_seconds',
      help: 'Seconds until the sidecar SVID expires',
      registers: [this.registry],
      collect() {
        this.set(certExpiry());
      },
    });
  }
}
