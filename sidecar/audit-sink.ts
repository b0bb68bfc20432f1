/**
 * @module Where the sidecar's decision events go. Audit seam of the request flow: one event per decision,
 * handed to the audit log (audit/) without blocking the request.
 */
import type { AuditConfig, AuditLog } from '../audit/index.js';
import type { Logger } from '../lib/logger.js';

/** One authorization decision, in the audit log's `authz` event shape. */
export interface AuthzDecisionEvent {
  kind: 'authz';
  request_id: string;
  trace_id?: string;
  decision: 'allow' | 'deny' | 'error';
  reason: string;
  source: { principal: string | null; address: string; port: number; mtls: boolean };
  destination: { service: string; principal: string; port: number };
  request: { protocol: 'http1' | 'http2' | 'grpc' | 'tcp'; method?: string; path?: string; host?: string };
  policy: { entrypoint: string; revision?: string };
  status: number;
  latency_us: number;
}

/** A request refused by a rate limit, in the audit log's `quota` event shape. */
export interface QuotaDecisionEvent {
  kind: 'quota';
  request_id: string;
  decision: 'deny';
  /** Names the limit, its scope and why (`exceeded`, `unavailable`). */
  reason: string;
  source: AuthzDecisionEvent['source'];
  destination: AuthzDecisionEvent['destination'];
  request: AuthzDecisionEvent['request'];
  /** The refusing limit. (Unusable limits are the policy's failure: an `authz` record with `error`.) */
  quota: { name: string; limit: number; remaining: number; window_ms: number };
  status: number;
  latency_us: number;
}

/** Every event the proxy records. */
export type SidecarDecisionEvent = AuthzDecisionEvent | QuotaDecisionEvent;

/** What the proxy needs from an audit log. */
export interface AuditSink {
  /** Non-blocking. */
  record(event: SidecarDecisionEvent): void;
  /** False when records cannot be written and the mode is `block`: the proxy then refuses with 503. */
  healthy(): boolean;
  /** Why the log is unhealthy, for the 503 body and `/ready`. */
  readonly problem: string | undefined;
  /** Human-readable location of the log. */
  readonly location: string;
  /** Records written (or handed to the writer) so far. */
  readonly recorded: number;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A sink that drops everything (no `audit:` configured): decisions still reach metrics. */
export function nullAuditSink(): AuditSink {
  return {
    record() {},
    healthy: () => true,
    problem: undefined,
    location: '(audit disabled)',
    recorded: 0,
    flush: async () => undefined,
    close: async () => undefined,
  };
}

/**
 * The tamper-evident decision log (audit/): hash-chained, checkpoint-signed, buffered and written off the
 * request path. `record` never blocks; in `block` mode an unwritable log makes `healthy()` false and the proxy
 * refuses requests with 503 instead of serving them unaudited.
 */
export async function openDecisionLog(
  config: AuditConfig,
  stateDir: string,
  self: string,
  logger: Logger,
): Promise<AuditSink> {
  // Loaded here, not at the top: a sidecar without `audit:` does not carry the log's code (and jose).
  const { openAuditLog } = await import('../audit/index.js');
  const log: AuditLog = await openAuditLog(config, { stateDir, identity: self, logger });
  return {
    record(event) {
      log.record(event);
    },
    healthy: () => log.healthy(),
    get problem() {
      return log.status().reason ?? undefined;
    },
    location: log.status().directory,
    get recorded() {
      return log.counters.written;
    },
    flush: () => log.flush(),
    close: () => log.close(),
  };
}
