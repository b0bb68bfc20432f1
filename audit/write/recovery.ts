/**
 * @module Where an existing log left off, read when a writer opens it. Write layer. Finds the last
 * complete record (its seq and hash continue the chain), whether the file was closed cleanly, how many
 * records follow the last checkpoint, and the size of a half-written last line, so the next file's header
 * can say what the previous run left behind.
 */
import { access, unlink } from 'node:fs/promises';
import { openLine } from '../chain.js';
import { AuditError } from '../errors.js';
import { readLines } from '../read/lines.js';
import type { Segment } from '../segments.js';

/** State of the log at the end of its last file. */
export interface LogTail {
  /** The last file. */
  segment: Segment;
  lastSeq: number;
  lastHash: string;
  /** The last record is a `final` checkpoint: the previous writer closed the log cleanly. */
  closed: boolean;
  /** Records after the last checkpoint. */
  unsignedRecords: number;
  /** Bytes of a half-written last line (0 if none). */
  tornBytes: number;
}

interface Parsed {
  seq?: unknown;
  kind?: unknown;
  final?: unknown;
}

/** Read the tail of the last segment. Throws ERR_AUDIT_OPEN when it holds no valid record at all. */
export async function readLogTail(segment: Segment): Promise<LogTail> {
  let last: { seq: number; hash: string; closed: boolean } | undefined;
  let lastCheckpointSeq = 0;
  const lines = readLines(segment);
  let step = await lines.next();
  while (step.done !== true) {
    for (const line of step.value.lines) {
      const opened = openLine(line);
      if (opened === null) continue;
      let parsed: Parsed;
      try {
        parsed = JSON.parse(line) as Parsed;
      } catch {
        continue;
      }
      if (typeof parsed.seq !== 'number') continue;
      const checkpoint = parsed.kind === 'checkpoint';
      if (checkpoint) lastCheckpointSeq = parsed.seq;
      last = { seq: parsed.seq, hash: opened.hash, closed: checkpoint && parsed.final === true };
    }
    step = await lines.next();
  }
  const end = step.value;
  if (last === undefined) {
    throw new AuditError(
      'ERR_AUDIT_OPEN',
      `${segment.path}: the newest audit file holds no complete record; cannot continue its chain (move it aside after checking it with "palisade audit verify")`,
    );
  }
  return {
    segment,
    lastSeq: last.seq,
    lastHash: last.hash,
    closed: last.closed && end.kind === 'clean',
    unsignedRecords: last.seq - lastCheckpointSeq,
    tornBytes: end.kind === 'torn' ? end.bytes : 0,
  };
}

/** Remove plain copies of files that were already compressed (a crash between rename and unlink). */
export async function removeCompressedDuplicates(segments: readonly Segment[]): Promise<void> {
  for (const s of segments) {
    if (!s.gzip) continue;
    const plain = s.path.slice(0, -'.gz'.length);
    const exists = await access(plain).then(
      () => true,
      () => false,
    );
    if (exists) await unlink(plain);
  }
}
