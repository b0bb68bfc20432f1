/**
 * @module The audit log writer behind `AuditLog`: `record()` queues an event in a bounded buffer (cheap,
 * never blocks); a drain loop serializes, chains, checkpoints and appends in batches; rotation,
 * compression and retention happen between batches. Write layer.
 */
import type { Logger } from 'pino';
import type { AuditSigningKey } from '../audit-key.js';
import { GENESIS_HASH } from '../chain.js';
import type { AuditConfig } from '../config.js';
import { AuditError } from '../errors.js';
import type { AuditEvent } from '../event.js';
import { ALWAYS_REDACTED_PATHS, createInputMasker } from '../mask.js';
import { listSegments, type Segment, segmentName } from '../segments.js';
import { type AdmissionState, isHealthy, refusalReason, unhealthyReason } from './admission.js';
import { publishBatch, publishRefused } from './audit-channels.js';
import type { AuditCounters, AuditLog, AuditStatus, Clock } from './audit-log-api.js';
import { BatchScheduler } from './batch-scheduler.js';
import { Housekeeping, retentionFields } from './housekeeping.js';
import { LossLedger } from './loss-ledger.js';
import { RecordWriter } from './record-writer.js';
import type { LogTail } from './recovery.js';
import { planRetention, type Removal } from './retention.js';
import { SegmentFile } from './segment-file.js';

const BATCH = 4096;
/** Records waiting that are written at once, without waiting out `batch_delay`. */
const BATCH_NOW = 1024;

interface Queued {
  e: AuditEvent;
  at: number;
}

type AfterWrite = { kind: 'rotate' } | { kind: 'remove'; removals: Removal[] } | null;

/** The writer behind `AuditLog`. Created by `openAuditLog` (open-audit-log.ts). */
export class FileAuditLog implements AuditLog {
  readonly #config: AuditConfig;
  readonly #dir: string;
  readonly #key: AuditSigningKey;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #writer: RecordWriter;
  readonly #release: () => Promise<void>;
  readonly #beforeAppend: ((bytes: number) => void) | undefined;
  readonly #counters: AuditCounters = {
    written: 0,
    dropped: 0,
    refused: 0,
    errors: 0,
    checkpoints: 0,
    rotations: 0,
  };
  readonly #housekeeping: Housekeeping;
  #segment: SegmentFile | null = null;
  #segmentIndex: number;
  #prevFile: string | null;
  #recovery: { torn_bytes: number; unsigned_records: number } | undefined;
  #queue: Queued[] = [];
  #pending = '';
  #pendingDecisions = 0;
  #afterWrite: AfterWrite = null;
  readonly #lost = new LossLedger();
  #writeError: string | null = null;
  #lastCheckpointAt: number;
  #retentionDue = false;
  #segmentHasRecords = false;
  readonly #scheduler: BatchScheduler;
  #draining: Promise<void> | null = null;
  /** Flushes waiting for the queue to empty. */
  #flushing = 0;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;
  #closed: Promise<void> | null = null;

  constructor(init: {
    config: AuditConfig;
    dir: string;
    identity: string;
    key: AuditSigningKey;
    clock: Clock;
    logger: Logger;
    release: () => Promise<void>;
    tail: LogTail | null;
    beforeAppend: ((bytes: number) => void) | undefined;
  }) {
    this.#config = init.config;
    this.#dir = init.dir;
    this.#key = init.key;
    this.#clock = init.clock;
    this.#logger = init.logger;
    this.#release = init.release;
    this.#beforeAppend = init.beforeAppend;
    this.#housekeeping = new Housekeeping(init.logger, () => {
      this.#counters.errors += 1;
    });
    const tail = init.tail;
    this.#segmentIndex = tail?.segment.index ?? 0;
    this.#prevFile = tail?.segment.name ?? null;
    if (tail !== null && !tail.closed) {
      this.#recovery = { torn_bytes: tail.tornBytes, unsigned_records: tail.unsignedRecords };
    }
    this.#writer = new RecordWriter({
      writer: init.identity,
      redactPaths: [...ALWAYS_REDACTED_PATHS, ...init.config.redact.paths],
      censor: init.config.redact.censor,
      mask: createInputMasker(init.config.redact.keys, init.config.redact.censor),
      chain: tail === null ? { seq: 0, hash: GENESIS_HASH } : { seq: tail.lastSeq, hash: tail.lastHash },
    });
    this.#lastCheckpointAt = init.clock.now();
    this.#scheduler = new BatchScheduler(
      () => void this.#drain(),
      Math.min(init.config.batch_delay, init.config.flush_interval),
      BATCH_NOW,
    );
  }

  // --- hot path ---

  record(event: AuditEvent): boolean {
    const at = event.ts ?? this.#clock.now();
    const refusal = refusalReason(this.#admission());
    if (refusal !== null) {
      this.#noteLost(at, refusal);
      return false;
    }
    this.#queue.push({ e: event, at });
    this.#scheduler.request(this.#queue.length);
    return true;
  }

  #admission(): AdmissionState {
    return {
      closing: this.#closing,
      queued: this.#queue.length,
      capacity: this.#config.buffer_records,
      mode: this.#config.mode,
      writeError: this.#writeError,
    };
  }

  #noteLost(at: number, reason: string): void {
    if (this.#config.mode === 'drop') this.#counters.dropped += 1;
    else this.#counters.refused += 1;
    this.#lost.note(at, reason);
    publishRefused(this.#dir, reason, this.#config.mode);
  }

  healthy(): boolean {
    return isHealthy(this.#admission());
  }

  status(): AuditStatus {
    const reason = unhealthyReason(this.#admission());
    return {
      healthy: this.healthy(),
      reason,
      mode: this.#config.mode,
      directory: this.#dir,
      file: this.#segment?.name ?? null,
      seq: this.#writer.chain.seq,
      buffered: this.#queue.length,
      capacity: this.#config.buffer_records,
      counters: { ...this.#counters },
      closed: this.#closing,
    };
  }

  get counters(): Readonly<AuditCounters> {
    return { ...this.#counters };
  }

  // --- drain loop ---

  #drain(): Promise<void> {
    this.#draining ??= this.#drainLoop().finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  async #drainLoop(): Promise<void> {
    for (;;) {
      try {
        if (this.#segment === null) await this.#openSegment();
        if (this.#pending === '') await this.#prepareBatch();
        if (this.#pending === '') return;
        this.#beforeAppend?.(this.#pending.length);
        await (this.#segment as SegmentFile).append(this.#pending);
      } catch (err) {
        this.#onWriteError(err);
        return;
      }
      publishBatch(this.#dir, this.#pendingDecisions, this.#pending.length);
      this.#counters.written += this.#pendingDecisions;
      this.#pending = '';
      this.#pendingDecisions = 0;
      if (this.#writeError !== null) {
        this.#logger.warn({ dir: this.#dir }, 'audit log writable again');
        this.#writeError = null;
      }
      const after = this.#afterWrite;
      this.#afterWrite = null;
      if (after !== null) {
        await this.#runAfterWrite(after);
        continue;
      }
      // Under load the queue refills during every write: going round at once would write a handful of
      // records per write(2), whatever batch_delay says. Unless a flush or close is waiting or a full batch
      // is queued, the rest waits for the scheduler, which holds it for batch_delay to share the next write.
      if (!this.#closing && this.#flushing === 0 && this.#queue.length < BATCH_NOW) {
        if (this.#queue.length > 0) this.#scheduler.request(this.#queue.length);
        return;
      }
    }
  }

  #onWriteError(err: unknown): void {
    this.#counters.errors += 1;
    const e = err as NodeJS.ErrnoException;
    const message = e.code === undefined ? e.message : `${e.code}: ${e.message}`;
    if (this.#writeError === null) {
      this.#logger.error({ dir: this.#dir, err: message }, 'audit log write failed');
    }
    this.#writeError = message;
  }

  async #openSegment(): Promise<void> {
    const now = this.#clock.now();
    const name = segmentName(this.#segmentIndex + 1, now);
    this.#segment = await SegmentFile.create(this.#dir, name, now);
    this.#segmentIndex += 1;
    this.#writer.internal('header', now, {
      file: name,
      prev_file: this.#prevFile,
      prev_hash: this.#writer.chain.hash,
      key_id: this.#key.keyId,
      ...(this.#recovery === undefined ? {} : { recovery: this.#recovery }),
    });
    this.#recovery = undefined;
    this.#segmentHasRecords = false;
    this.#pending = this.#writer.take();
  }

  /** Fill `#pending` with the next batch; may decide to rotate or prune instead. */
  async #prepareBatch(): Promise<void> {
    const now = this.#clock.now();
    const segment = this.#segment as SegmentFile;
    if (this.#retentionDue) {
      this.#retentionDue = false;
      if (await this.#prepareRetention(now)) return;
    }
    const rotation = this.#config.rotation;
    const due = segment.size >= rotation.max_bytes || now - segment.openedAt >= rotation.max_age;
    if (due && this.#segmentHasRecords && (!this.#closing || this.#queue.length > 0)) {
      await this.#sealCheckpoint(now, true);
      this.#pending = this.#writer.take();
      this.#afterWrite = { kind: 'rotate' };
      return;
    }
    const gap = this.#lost.take();
    if (gap !== null) this.#writer.internal('gap', now, { ...gap });
    // Stop the batch where the file reaches its size limit, so rotation happens on time.
    const queue = this.#queue;
    const every = this.#config.checkpoint.every_records;
    const room = rotation.max_bytes - segment.size;
    let taken = 0;
    // A segment holding no record yet takes at least one, even when its header and a long retention record
    // already fill it: otherwise it would neither take records nor rotate, and the queue would never drain.
    while (
      taken < queue.length &&
      taken < BATCH &&
      (this.#writer.batchChars < room || (taken === 0 && !this.#segmentHasRecords))
    ) {
      const item = queue[taken] as Queued;
      taken += 1;
      this.#writer.decision(item.e, item.at);
      if (this.#writer.sinceCheckpoint >= every) await this.#sealCheckpoint(item.at, false);
    }
    this.#queue = taken === queue.length ? [] : queue.slice(taken);
    this.#pendingDecisions = taken;
    if (taken > 0) this.#segmentHasRecords = true;
    if (
      now - this.#lastCheckpointAt >= this.#config.checkpoint.interval &&
      this.#writer.sinceCheckpoint > 0
    ) {
      await this.#sealCheckpoint(now, false);
    }
    this.#pending = this.#writer.take();
  }

  async #sealCheckpoint(at: number, final: boolean): Promise<void> {
    await this.#writer.checkpoint(at, final, this.#key);
    this.#lastCheckpointAt = at;
    this.#counters.checkpoints += 1;
  }

  async #runAfterWrite(after: NonNullable<AfterWrite>): Promise<void> {
    if (after.kind === 'rotate') {
      const old = this.#segment as SegmentFile;
      this.#segment = null;
      this.#prevFile = old.name;
      this.#counters.rotations += 1;
      try {
        await old.close();
      } catch (err) {
        this.#onWriteError(err);
      }
      this.#housekeeping.compress(this.#config.rotation.compress ? [old.path] : [], () => {
        const { max_files, max_age } = this.#config.retention;
        if (max_files === null && max_age === null) return;
        this.#retentionDue = true;
        if (!this.#closing) this.#scheduler.request(this.#queue.length);
      });
      return;
    }
    try {
      await (this.#segment as SegmentFile).sync();
    } catch (err) {
      // The retention record may not be durable: keep the files rather than remove them unannounced.
      this.#onWriteError(err);
      return;
    }
    await this.#housekeeping.remove(after.removals);
  }

  async #prepareRetention(now: number): Promise<boolean> {
    const segments: Segment[] = await listSegments(this.#dir);
    const retention = this.#config.retention;
    const removals = await planRetention(
      segments,
      { maxFiles: retention.max_files, maxAgeMs: retention.max_age },
      now,
    );
    if (removals.length === 0) return false;
    this.#writer.internal('retention', now, retentionFields(removals));
    this.#pending = this.#writer.take();
    this.#afterWrite = { kind: 'remove', removals };
    return true;
  }

  /** Compress files of earlier runs without holding up the writer. */
  compressInBackground(paths: readonly string[]): void {
    this.#housekeeping.compress(paths);
  }

  // --- flush and close ---

  async flush(): Promise<void> {
    if (this.#closed !== null) return;
    // While a flush waits, the drain loop writes until the queue is empty instead of batching.
    this.#flushing += 1;
    try {
      for (;;) {
        const before = this.#queue.length + this.#counters.written;
        await this.#drain();
        if (this.#queue.length === 0 || this.#writeError !== null || this.#closed !== null) break;
        if (this.#queue.length + this.#counters.written === before) {
          // A drain that neither wrote nor took anything would repeat forever without yielding.
          throw new AuditError(
            'ERR_AUDIT_WRITE',
            `${this.#dir}: audit log flush made no progress with ${this.#queue.length} records queued`,
          );
        }
      }
    } finally {
      this.#flushing -= 1;
    }
    if (this.#writeError !== null) {
      throw new AuditError(
        'ERR_AUDIT_WRITE',
        `${this.#dir}: audit log cannot be written: ${this.#writeError}`,
      );
    }
    await this.#segment?.sync();
  }

  startTimer(): void {
    this.#timer = setInterval(() => {
      this.flush().catch(() => undefined);
    }, this.#config.flush_interval);
    this.#timer.unref();
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#timer);
    this.#scheduler.cancel();
    let failure: string | null = null;
    try {
      await this.#drain();
      while (this.#housekeeping.busy) {
        await this.#housekeeping.settle();
        await this.#drain();
      }
      if (this.#writeError === null && this.#segment !== null) {
        await this.#sealCheckpoint(this.#clock.now(), true);
        this.#pending = this.#writer.take();
        await this.#drain();
      }
      failure = this.#writeError;
      if (failure === null && this.#queue.length > 0) failure = 'records were left in the queue';
    } finally {
      await this.#segment?.close().catch((err: unknown) => {
        failure ??= (err as Error).message;
      });
      await this.#release();
    }
    if (failure !== null) {
      const lost = this.#queue.length + (this.#pending === '' ? 0 : this.#pendingDecisions);
      this.#logger.error({ dir: this.#dir, lost, err: failure }, 'audit log closed with unwritten records');
      throw new AuditError(
        'ERR_AUDIT_WRITE',
        `${this.#dir}: audit log closed with ${lost} unwritten records: ${failure}`,
      );
    }
  }
}
