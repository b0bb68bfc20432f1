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
import { RecordTimestamp } from './record-timestamp.js';
import { type RedactReach, redactReach } from './redact-reach.js';

/** Chain position: the last written seq and its hash. */
export interface ChainState {
  seq: number;
  hash: string;
}

export class RecordWriter {
  /** The audit logger with the redact paths… */
  readonly #pino: Logger;
  /** …and the same logger without them, for records no redact path reaches (redact-reach.ts). */
  readonly #pinoUnredacted: Logger;
  readonly #reach: RedactReach;
  readonly #timestamp = new RecordTimestamp();
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
    const audit = {
      base: null,
      timestamp: false,
      formatters: { level: () => ({ type: RECORD_TYPE }) },
    } as const;
    this.#pino = pino(
      { ...audit, redact: { paths: [...options.redactPaths], censor: options.censor } },
      collector,
    );
    this.#pinoUnredacted = pino(audit, collector);
    this.#reach = redactReach(options.redactPaths);
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
    const record: Record<string, unknown> = {
      v: RECORD_VERSION,
      seq: this.#chain.seq + 1,
      ts: this.#timestamp.format(at),
      kind: event.kind,
      decision_id: event.decision_id ?? randomUUID(),
      writer: this.#writer,
    };
    // The event's other members follow in its own order. One pass, not a rest-destructure and a spread
    // (two copies); the members the envelope owns are skipped, so an event carrying envelope fields of its
    // own cannot move the chain: the writer's values win.
    const fields = event as unknown as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      switch (key) {
        case 'v':
        case 'seq':
        case 'ts':
        case 'kind':
        case 'decision_id':
        case 'writer':
          continue;
        case 'input':
          record.input = fields.input === undefined ? undefined : this.#mask(fields.input);
          continue;
        case '__proto__':
          // An own `__proto__` (JSON.parse makes them) is data, as a spread would copy it: never the prototype.
          Object.defineProperty(record, key, {
            value: fields[key],
            enumerable: true,
            writable: true,
            configurable: true,
          });
          continue;
        default:
          record[key] = fields[key];
      }
    }
    this.#log(record);
  }

  /** Serialize one of the log's own records (header, checkpoint, retention, gap). */
  internal(kind: string, at: number, fields: Record<string, unknown>): void {
    this.#log({
      v: RECORD_VERSION,
      seq: this.#chain.seq + 1,
      ts: this.#timestamp.format(at),
      kind,
      writer: this.#writer,
      ...fields,
    });
  }

  /** pino writes the record, with redaction unless no redact path reaches into it (the bytes are the same). */
  #log(record: Record<string, unknown>): void {
    (this.#reach(record) ? this.#pino : this.#pinoUnredacted).info(record);
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
