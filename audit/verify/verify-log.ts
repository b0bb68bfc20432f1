/**
 * @module Verify one log directory: every hash link, every checkpoint signature, every file link, in
 * one streaming pass in constant memory. Verify layer. Stops at the first break and classifies it
 * (edited, missing, reordered, inserted, bad signature, truncated tail, …) with file, line and seq.
 */
import { basename } from 'node:path';
import type { VerificationKeys } from '../audit-key.js';
import { GENESIS_HASH, linkHash, openLine } from '../chain.js';
import { verifyCheckpoint } from '../checkpoint.js';
import type { FileEnd } from '../read/lines.js';
import { checkpointRecordSchema, headerRecordSchema, retentionRecordSchema } from '../record.js';
import { listSegments, type Segment } from '../segments.js';
import { liveWriter } from '../write/writer-lock.js';
import { walkFile } from './file-walk.js';
import { Broken, preview, SEQ_PREFIX, seqOf } from './line-facts.js';
import type { ProblemKind, VerifyResult } from './problems.js';

export interface PreviousFile {
  segment: Segment;
  end: FileEnd;
  /** Last record is a final checkpoint. */
  closed: boolean;
}

/** Verify the log in `dir` against `keys`. Never throws for a damaged log: the result says what broke. */
export async function verifyLog(
  dir: string,
  keys: VerificationKeys,
  onProgress?: (records: number) => void,
): Promise<VerifyResult> {
  const segments = await listSegments(dir);
  const live = (await liveWriter(dir)) !== null;
  const v = new Verifier(keys, onProgress);
  const result: VerifyResult = {
    ok: false,
    dir,
    files: segments.length,
    records: 0,
    decisions: 0,
    checkpoints: 0,
    lastSeq: 0,
    signedThrough: 0,
    unsignedTail: 0,
    closed: false,
    liveWriter: live,
    gaps: 0,
    removedFiles: [],
    problem: null,
  };
  try {
    let previous: PreviousFile | null = null;
    for (const segment of segments) previous = await walkFile(v, segment, previous);
    v.finish(previous as PreviousFile, live);
    result.ok = true;
  } catch (err) {
    if (!(err instanceof Broken)) throw err;
    result.problem = err.problem;
  }
  Object.assign(result, v.summary());
  return result;
}

/** The chain state and the checks; `walkFile` (file-walk.ts) feeds it one file at a time. */
export class Verifier {
  readonly #keys: VerificationKeys;
  readonly #onProgress: ((records: number) => void) | undefined;
  #seq = 0;
  #hash = GENESIS_HASH;
  #started = false;
  #records = 0;
  #decisions = 0;
  #checkpoints = 0;
  #signedThrough = 0;
  #gaps = 0;
  #closed = false;
  readonly #removed = new Map<string, { lastHash: string | null }>();
  #anchor: { file: string; prevFile: string; prevHash: string } | null = null;
  /** Current position, for problem reports. */
  readonly at = { file: '', line: 0 };

  constructor(keys: VerificationKeys, onProgress?: (records: number) => void) {
    this.#keys = keys;
    this.#onProgress = onProgress;
  }

  summary() {
    return {
      records: this.#records,
      decisions: this.#decisions,
      checkpoints: this.#checkpoints,
      lastSeq: this.#seq,
      signedThrough: this.#signedThrough,
      unsignedTail: this.#seq - this.#signedThrough,
      closed: this.#closed,
      gaps: this.#gaps,
      removedFiles: [...this.#removed.keys()],
    };
  }

  fail(
    kind: ProblemKind,
    message: string,
    seq: number | null = this.#seq + 1,
    line: number | null = this.at.line,
  ): never {
    throw new Broken({ kind, file: this.at.file, line, seq, message });
  }

  checkHeader(line: string, segment: Segment, previous: PreviousFile | null): void {
    const opened = openLine(line);
    let header: ReturnType<typeof headerRecordSchema.parse> | undefined;
    if (opened !== null) {
      try {
        const parsed = headerRecordSchema.safeParse(JSON.parse(line));
        if (parsed.success) header = parsed.data;
      } catch {
        // reported below
      }
    }
    if (header === undefined) {
      const m = SEQ_PREFIX.exec(line);
      if (m !== null && m[2] !== 'header') {
        this.fail(
          'missing',
          `${this.at.file} does not start with its header record: the first records of the file were removed`,
        );
      }
      this.fail('bad_header', `${this.at.file}: the first line is not a valid header record`);
    }
    if (header.file !== segment.name) {
      this.fail(
        'bad_header',
        `${this.at.file}: header names file ${header.file}: the file was renamed or copied`,
      );
    }
    if (previous === null) {
      if (header.prev_file === null) {
        if (header.seq !== 1 || header.prev_hash !== GENESIS_HASH) {
          this.fail(
            'edited',
            `${this.at.file}: the first header of the log must have seq 1 and the zero hash`,
          );
        }
      } else {
        // Older files were pruned (or lost): the chain starts here; retention must account for it.
        this.#anchor = { file: this.at.file, prevFile: header.prev_file, prevHash: header.prev_hash };
      }
      this.#seq = header.seq - 1;
      this.#hash = header.prev_hash;
    } else {
      this.#checkLink(header, previous);
    }
    this.#started = true;
    this.#advance(opened as { body: string; hash: string }, header.seq, 'header');
  }

  #checkLink(
    header: {
      seq: number;
      prev_file: string | null;
      prev_hash: string;
      recovery?: { torn_bytes: number } | undefined;
    },
    previous: PreviousFile,
  ): void {
    const prevName = previous.segment.name;
    if (header.prev_file !== prevName) {
      this.fail(
        'missing_file',
        `file ${header.prev_file ?? '(none)'} is missing: ${this.at.file} continues from it, but the file before it is ${basename(previous.segment.path)}`,
        this.#seq + 1,
        1,
      );
    }
    const torn = previous.end.kind === 'torn' ? previous.end.bytes : 0;
    if (torn > 0 && header.recovery?.torn_bytes !== torn) {
      this.at.file = basename(previous.segment.path);
      this.fail(
        'half_written_line',
        `${this.at.file} ends with a half-written line (${torn} bytes) that no later header acknowledges`,
        this.#seq + 1,
        previous.end.lines + 1,
      );
    }
    if (header.seq - 1 > this.#seq) {
      this.at.file = basename(previous.segment.path);
      this.fail(
        'missing',
        `${this.at.file} ends at seq ${this.#seq} but the next file continues from seq ${header.seq - 1}: records were removed from its end`,
        this.#seq + 1,
        previous.end.lines + 1,
      );
    }
    if (header.seq - 1 !== this.#seq || header.prev_hash !== this.#hash) {
      this.fail(
        'edited',
        `${this.at.file}: header does not link to the end of ${basename(previous.segment.path)} (seq ${this.#seq})`,
        header.seq,
        1,
      );
    }
    if (!previous.closed && header.recovery === undefined) {
      this.fail(
        'missing',
        `${basename(previous.segment.path)} ends without its closing checkpoint and the next header reports no crash: records were removed from its end`,
        this.#seq + 1,
        previous.end.lines + 1,
      );
    }
  }

  #advance(opened: { body: string; hash: string }, seq: number, kind: string): void {
    this.#seq = seq;
    this.#hash = opened.hash;
    this.#records += 1;
    if (kind === 'authz' || kind === 'quota' || kind === 'identity') this.#decisions += 1;
    if ((this.#records & 0x3fff) === 0) this.#onProgress?.(this.#records);
  }

  /** Check one non-header line; returns whether it is a final checkpoint. */
  async checkRecord(line: string, ahead: () => Promise<string[]>): Promise<boolean> {
    const opened = openLine(line);
    const m = opened === null ? null : SEQ_PREFIX.exec(line);
    if (opened === null || m === null) {
      this.fail(
        'garbage_line',
        `${this.at.file}:${this.at.line}: not a sealed audit record (${preview(line)})`,
      );
    }
    const seq = Number(m[1]);
    const kind = m[2] as string;
    const expected = this.#seq + 1;
    if (seq > expected) {
      const later = (await ahead()).some((l) => seqOf(l) === expected);
      if (later)
        this.fail(
          'reordered',
          `${this.at.file}:${this.at.line}: found seq ${seq} where seq ${expected} was expected; seq ${expected} appears later`,
        );
      this.fail(
        'missing',
        `${this.at.file}:${this.at.line}: records seq ${expected}..${seq - 1} are missing (found seq ${seq})`,
      );
    }
    if (seq < expected) {
      this.fail(
        'inserted',
        `${this.at.file}:${this.at.line}: seq ${seq} appears again after seq ${this.#seq}: a record was duplicated or inserted`,
        seq,
      );
    }
    if (linkHash(this.#hash, opened.body) !== opened.hash) {
      const next = (await ahead())[0];
      const nextOpened = next === undefined ? null : openLine(next);
      if (
        nextOpened !== null &&
        seqOf(next as string) === expected &&
        linkHash(this.#hash, nextOpened.body) === nextOpened.hash
      ) {
        this.fail(
          'inserted',
          `${this.at.file}:${this.at.line}: a forged record with seq ${seq} was inserted before the real one`,
        );
      }
      this.fail(
        'edited',
        `${this.at.file}:${this.at.line}: record seq ${seq} was modified (its hash does not match its content and chain)`,
      );
    }
    let final = false;
    if (kind === 'checkpoint') final = await this.#checkCheckpoint(line, seq);
    else if (kind === 'retention') this.#noteRetention(line);
    else if (kind === 'gap') this.#gaps += Number(/"dropped":(\d+)/.exec(line)?.[1] ?? 0);
    else if (kind === 'header')
      this.fail('inserted', `${this.at.file}:${this.at.line}: a header record in the middle of a file`);
    this.#advance(opened, seq, kind);
    return final;
  }

  async #checkCheckpoint(line: string, seq: number): Promise<boolean> {
    const parsed = checkpointRecordSchema.safeParse(JSON.parse(line));
    if (!parsed.success)
      this.fail('garbage_line', `${this.at.file}:${this.at.line}: malformed checkpoint record`);
    const cp = parsed.data;
    const check = await verifyCheckpoint(cp.jws, this.#keys);
    if (!check.ok) {
      const kind = check.reason === 'unknown_key' ? 'unknown_key' : 'bad_signature';
      this.fail(kind, `${this.at.file}:${this.at.line}: checkpoint seq ${seq}: ${check.message}`, seq);
    }
    const c = check.claims;
    if (
      c.seq !== seq ||
      c.covers_seq !== cp.covers_seq ||
      c.chain_hash !== cp.chain_hash ||
      c.records !== cp.records ||
      c.final !== cp.final ||
      c.ts !== cp.ts ||
      c.iss !== cp.writer
    ) {
      this.fail(
        'edited',
        `${this.at.file}:${this.at.line}: checkpoint seq ${seq} differs from what its signature covers`,
        seq,
      );
    }
    if (cp.covers_seq !== this.#seq || cp.chain_hash !== this.#hash) {
      const from = this.#signedThrough + 1;
      this.fail(
        'edited',
        `${this.at.file}:${this.at.line}: signed checkpoint seq ${seq} does not match the chain: records between seq ${from} and ${cp.covers_seq} were rewritten`,
        from,
      );
    }
    this.#checkpoints += 1;
    this.#signedThrough = seq;
    return cp.final;
  }

  #noteRetention(line: string): void {
    const parsed = retentionRecordSchema.safeParse(JSON.parse(line));
    if (!parsed.success)
      this.fail('garbage_line', `${this.at.file}:${this.at.line}: malformed retention record`);
    for (const r of parsed.data.removed) this.#removed.set(r.file, { lastHash: r.last_hash });
  }

  /** Checks that need the whole log: the tail and the start anchor. */
  finish(last: PreviousFile, live: boolean): void {
    if (!this.#started) return;
    if (this.#anchor !== null) {
      const removed = this.#removed.get(this.#anchor.prevFile);
      this.at.file = this.#anchor.file;
      if (removed === undefined) {
        this.fail(
          'missing_file',
          `file ${this.#anchor.prevFile} is missing: ${this.#anchor.file} continues from it and no retention record says it was removed`,
          null,
          1,
        );
      }
      if (removed.lastHash !== null && removed.lastHash !== this.#anchor.prevHash) {
        this.fail(
          'edited',
          `${this.#anchor.file}: header does not match the retention record of ${this.#anchor.prevFile}`,
          null,
          1,
        );
      }
    }
    this.at.file = basename(last.segment.path);
    if (live) return;
    if (last.end.kind === 'torn') {
      this.fail(
        'half_written_line',
        `${this.at.file}: the last line is half-written (${last.end.bytes} bytes): the writer crashed mid-write`,
        this.#seq + 1,
        last.end.lines + 1,
      );
    }
    this.#closed = last.closed;
    if (!last.closed) {
      this.fail(
        'truncated_tail',
        `${this.at.file}: the log ends at seq ${this.#seq} without a closing checkpoint and no writer is running: ${this.#seq - this.#signedThrough} records after the last checkpoint (seq ${this.#signedThrough}) are unsigned; the tail may have been truncated (or the writer was killed)`,
        this.#signedThrough + 1,
        null,
      );
    }
  }
}
