/**
 * @module Stream the records of one log directory, oldest first, across plain and gzip files, in
 * constant memory. Read layer, for export and tail. It does not verify (that is `audit verify`): lines
 * that are not well-formed records are counted and skipped, and damaged files are reported, not fatal.
 */
import { basename } from 'node:path';
import { type DecisionRecord, decisionRecordSchema } from '../record.js';
import { listSegments, type Segment } from '../segments.js';
import { type FileEnd, readLines } from './lines.js';

/** A decision record with the raw line it was read from (kept byte-exact for jsonl output). */
export interface ReadRecord {
  record: DecisionRecord;
  line: string;
}

/** What reading skipped or found damaged; reported by export so nothing is silently left out. */
export interface ReadStats {
  files: number;
  /** Bytes of all files (compressed size for gzip). */
  totalBytes: number;
  bytesRead: number;
  lines: number;
  /** Lines that are not well-formed records. */
  malformed: number;
  /** Records lost according to `gap` records. */
  gapRecords: number;
  /** Files that ended badly (half-written line, bad gzip, unreadable). */
  damaged: { file: string; end: FileEnd['kind']; message: string }[];
}

const KIND = /^\{"type":"audit","v":\d+,"seq":\d+,"ts":"[^"]*","kind":"([a-z]+)"/;
const DECISION_KINDS = new Set(['authz', 'quota', 'identity']);

/** Iterate the decision records of `dir`. `stats` is updated as reading goes. */
export async function* readLogRecords(
  dir: string,
  stats: ReadStats = emptyStats(),
): AsyncGenerator<ReadRecord[], ReadStats, void> {
  const segments = await listSegments(dir);
  stats.files += segments.length;
  for (const s of segments) stats.totalBytes += s.bytes;
  for (const segment of segments) yield* readSegmentRecords(segment, stats);
  return stats;
}

/** Records of one file, in batches. */
export async function* readSegmentRecords(
  segment: Segment,
  stats: ReadStats,
): AsyncGenerator<ReadRecord[], void, void> {
  const lines = readLines(segment);
  let base = stats.bytesRead;
  let step = await lines.next();
  while (step.done !== true) {
    const batch: ReadRecord[] = [];
    for (const line of step.value.lines) {
      stats.lines += 1;
      const m = KIND.exec(line);
      if (m === null) {
        stats.malformed += 1;
        continue;
      }
      const kind = m[1] as string;
      if (!DECISION_KINDS.has(kind)) {
        if (kind === 'gap') stats.gapRecords += Number(/"dropped":(\d+)/.exec(line)?.[1] ?? 0);
        continue;
      }
      const record = parseDecision(line);
      if (record === null) stats.malformed += 1;
      else batch.push({ record, line });
    }
    stats.bytesRead = base + step.value.bytesRead;
    if (batch.length > 0) yield batch;
    step = await lines.next();
  }
  base += segment.bytes;
  stats.bytesRead = base;
  const end = step.value;
  if (end.kind !== 'clean') {
    const message = end.kind === 'torn' ? `half-written last line (${end.bytes} bytes)` : end.message;
    stats.damaged.push({ file: basename(segment.path), end: end.kind, message });
  }
}

function parseDecision(line: string): DecisionRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = decisionRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function emptyStats(): ReadStats {
  return { files: 0, totalBytes: 0, bytesRead: 0, lines: 0, malformed: 0, gapRecords: 0, damaged: [] };
}
