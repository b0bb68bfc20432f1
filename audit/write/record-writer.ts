/**
 * @module Turns events into sealed lines: builds the versioned record, serializes it with pino (the
 * audit stream's own logger: fixed `type: "audit"`, redact paths, no pid/hostname/level noise), and
 * chains it. Write layer; synchronous and allocation-light because the drain loop calls it per record.
 */
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { AuditSigningKey } from '../audit-key.js';
import { sealLine } from '../chain.js';
import { signCheckpoint } from '../checkpoint.js';
import type { AuditEvent } from '../event.js';
import type { InputMasker } from '../mask.js';
import { RECORD_TYPE, RECORD_VERSION } from '../record.js';

/** Chain position: the last written seq and its hash. */
export interface ChainState {
  seq: number;
  hash: string;
}

export class RecordWriter {
  readonly #pino: Logger;
  readonly #writer: string;
  readonly #mask: InputMasker;
  #chain: ChainState;
  #lines: string[] = [];
  #batchChars = 0;
  /** Records sealed since the last checkpoint. */
  sinceCheckpoint = 0;

  constructor(options: {
    writer: string;
    redactPaths: readonly string[];
    censor: string;
    mask: InputMasker;
    chain: ChainState;
  }) {
    this.#writer = options.writer;
    this.#mask = options.mask;
    this.#chain = { ...options.chain };
    // pino writes into this collector synchronously; each serialized record is sealed right there, so
    // the hash covers exactly the bytes pino produced after redaction.
    const collector = { write: (s: string) => this.#seal(s) };
    this.#pino = pino(
      {
        base: null,
        timestamp: false,
        formatters: { level: () => ({ type: RECORD_TYPE }) },
        redact: { paths: [...options.redactPaths], censor: options.censor },
      },
      collector,
    );
  }

  get chain(): Readonly<ChainState> {
    return this.#chain;
  }

  /** Sealed lines waiting to be written, joined; clears the batch. */
  take(): string {
    const data = this.#lines.join('');
    this.#lines = [];
    this.#batchChars = 0;
    return data;
  }

  /** Length of the batch so far (UTF-16 units: bytes for ASCII records, a lower bound otherwise). */
  get batchChars(): number {
    return this.#batchChars;
  }

  get batchLength(): number {
    return this.#lines.length;
  }

  /** Serialize one decision event recorded at `at` (ms). */
  decision(event: AuditEvent, at: number): void {
    const { ts: _ts, decision_id, kind, ...rest } = event as AuditEvent & { input?: unknown };
    const record: Record<string, unknown> = {
      v: RECORD_VERSION,
      seq: this.#chain.seq + 1,
      ts: new Date(at).toISOString(),
      kind,
      decision_id: decision_id ?? randomUUID(),
      writer: this.#writer,
      ...rest,
    };
    // An event carrying envelope fields of its own must not move the chain: the writer's values win.
    record.v = RECORD_VERSION;
    record.seq = this.#chain.seq + 1;
    record.writer = this.#writer;
    if (rest.input !== undefined) record.input = this.#mask(rest.input);
    this.#pino.info(record);
  }

  /** Serialize one of the log's own records (header, checkpoint, retention, gap). */
  internal(kind: string, at: number, fields: Record<string, unknown>): void {
    this.#pino.info({
      v: RECORD_VERSION,
      seq: this.#chain.seq + 1,
      ts: new Date(at).toISOString(),
      kind,
      writer: this.#writer,
      ...fields,
    });
  }

  /**
   * Sign and serialize a checkpoint covering everything sealed so far. Async (the signature), so the
   * caller must not seal anything else meanwhile: the drain loop is the only sealer.
   */
  async checkpoint(at: number, final: boolean, key: AuditSigningKey): Promise<void> {
    const chain = this.#chain;
    const claims = {
      iss: this.#writer,
      seq: chain.seq + 1,
      covers_seq: chain.seq,
      chain_hash: chain.hash,
      records: this.sinceCheckpoint,
      final,
      ts: new Date(at).toISOString(),
    };
    const jws = await signCheckpoint(claims, key);
    this.internal('checkpoint', at, {
      covers_seq: claims.covers_seq,
      chain_hash: claims.chain_hash,
      records: claims.records,
      final,
      key_id: key.keyId,
      jws,
    });
    this.sinceCheckpoint = 0;
  }

  #seal(serialized: string): void {
    const { line, hash } = sealLine(this.#chain.hash, serialized);
    this.#chain = { seq: this.#chain.seq + 1, hash };
    this.#lines.push(line);
    this.#batchChars += line.length;
    this.sinceCheckpoint += 1;
  }
}
