/**
 * @module The writer's public contract: the `AuditLog` handle owners hold, its status and counters, and
 * the options of `openAuditLog`. Write layer; types only.
 */
import type { Logger } from 'pino';
import type { AuditConfig } from '../config.js';
import type { AuditEvent } from '../event.js';

/** Source of time, injectable for tests. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export interface OpenAuditLogOptions {
  /** The owner's state directory: holds the signing key; a relative `config.directory` resolves here. */
  stateDir: string;
  /** SPIFFE ID of the writing process, written into every record and checkpoint. */
  identity: string;
  /** Private signing key file (JWK, created 0600 if missing). Default `<stateDir>/keys/audit-signing.jwk`. */
  keyFile?: string;
  clock?: Clock;
  /** Operational logger (write errors, rotation failures). Default: warn-level stderr logger. */
  logger?: Logger;
  /** Run the flush/checkpoint timer (default true). Tests drive `flush()` themselves. */
  timers?: boolean;
  /** Test seam: called before each append with its size; throwing simulates a failed write (ENOSPC…). */
  beforeAppend?: (bytes: number) => void;
}

/** Counters for metrics. Monotonic over the log's lifetime. */
export interface AuditCounters {
  /** Decision records written to disk. */
  written: number;
  /** Records refused in `drop` mode (each is accounted for by a `gap` record). */
  dropped: number;
  /** Records refused in `block` mode: the caller was told to fail the request (503). */
  refused: number;
  /** Failed writes, rotations and compressions. */
  errors: number;
  checkpoints: number;
  rotations: number;
}

/** A snapshot for health checks and metrics. */
export interface AuditStatus {
  /** Same as `healthy()`. */
  healthy: boolean;
  /** What is wrong, in either mode (null when records are being written normally): what a 503 says. */
  reason: string | null;
  mode: AuditConfig['mode'];
  directory: string;
  /** Current file (without extension). */
  file: string | null;
  /** Last sequence number sealed. */
  seq: number;
  buffered: number;
  capacity: number;
  counters: AuditCounters;
  closed: boolean;
}

/** The handle owners hold. See `openAuditLog`. */
export interface AuditLog {
  /**
   * Queue one event. Returns at once; false when the record was not accepted (block mode: unhealthy,
   * the caller must fail the request with 503; drop mode: counted and recorded as a gap).
   */
  record(event: AuditEvent): boolean;
  /**
   * May the caller keep serving? Block mode: false while records cannot be accepted or written (answer
   * 503 with `status().reason`). Drop mode: true while open (losses are counted, not refused).
   */
  healthy(): boolean;
  status(): AuditStatus;
  readonly counters: Readonly<AuditCounters>;
  /** Write everything queued and fsync. Rejects with ERR_AUDIT_WRITE when the log cannot be written. */
  flush(): Promise<void>;
  /** Flush, sign a final checkpoint, close the file and release the directory. Idempotent. */
  close(): Promise<void>;
}
