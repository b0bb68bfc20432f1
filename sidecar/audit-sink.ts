/**
 * @module Where the sidecar's decision events go. Audit seam of the request flow: one event per decision,
 * recorded without blocking the request. Until audit/ lands this is a buffered pino stream of its own
 * (`type: "audit"`, separate from operational logs) carrying the audit schema's authz fields.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

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

/** What the proxy needs from an audit log. */
export interface AuditSink {
  /** Non-blocking. */
  record(event: AuthzDecisionEvent): void;
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
 * The interim audit log: JSON lines through pino's asynchronous buffered destination into
 * `<directory>/decisions.log`. `mode: block` turns a write failure into unhealthy.
 */
export function fileAuditSink(directory: string, mode: 'block' | 'drop', self: string): AuditSink {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = join(directory, 'decisions.log');
  const destination = pino.destination({ dest: file, sync: false, minLength: 16_384, mkdir: true });
  let problem: string | undefined;
  let recorded = 0;
  let dropped = 0;
  destination.on('error', (err: Error) => {
    problem = `audit log ${file} cannot be written: ${err.message}`;
  });
  const logger: Logger = pino(
    {
      base: { type: 'audit', v: 1, sidecar: self },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
    },
    destination,
  );
  return {
    record(event) {
      if (problem !== undefined) {
        dropped++;
        return;
      }
      recorded++;
      logger.info(dropped > 0 ? { ...event, gap: dropped } : event);
      dropped = 0;
    },
    healthy: () => mode === 'drop' || problem === undefined,
    get problem() {
      return problem;
    },
    location: file,
    get recorded() {
      return recorded;
    },
    flush: () =>
      new Promise<void>((resolve) => {
        destination.flush(() => resolve());
      }),
    close: () =>
      new Promise<void>((resolve) => {
        destination.flushSync();
        destination.end();
        resolve();
      }),
  };
}
