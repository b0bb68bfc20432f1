/**
 * @module Stream the records of one log directory, oldest first, across plain and gzip files, in
 * constant memory. Read layer, for export and tail. It does not verify (that is `audit verify`): lines
 * that are not well-formed records are counted and skipped, and damaged files are reported, not fatal.
 */
import { basename } from 'node:path';
import {
  authzRecordSchema,
  type DecisionRecord,
  decisionRecordSchema,
  identityRecordSchema,
  quotaRecordSchema,
} from '../record.js';
import { listSegments, type Segment } from '../segments.js';
import { isPlainAuthzRecord } from './authz-shortcut.js';
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
  /** Where the first MALFORMED_POSITIONS of them are (kept bounded: memory stays flat on a damaged log). */
  malformedAt: LinePosition[];
  /** Records lost according to `gap` records. */
  gapRecords: number;
  /** Files that ended badly (half-written line, bad gzip, unreadable). */
  damaged: { file: string; end: FileEnd['kind']; message: string }[];
}

/** A line of a log file: the file's name and the 1-based line number. */
export interface LinePosition {
  file: string;
  line: number;
}

/** How many malformed-line positions are kept; the count goes on beyond. */
export const MALFORMED_POSITIONS = 20;

const KIND = /^\{"type":"audit","v":\d+,"seq":\d+,"ts":"[^"]*","kind":"([a-z]+)"/;
/**
 * The record schema of each decision kind. The kind is already known from the line's envelope, so the
 * matching schema is tried first, without the union's dispatch; a line it rejects gets the union's
 * verdict (a repeated `kind` member could name another kind), so the result is the union's.
 */
const SCHEMA_OF_KIND: Readonly<
  Record<string, { safeParse(value: unknown): { success: boolean; data?: unknown } }>
> = { authz: authzRecordSchema, quota: quotaRecordSchema, identity: identityRecordSchema };

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
  const file = basename(segment.path);
  const malformed = (line: number) => {
    stats.malformed += 1;
    if (stats.malformedAt.length < MALFORMED_POSITIONS) stats.malformedAt.push({ file, line });
  };
  let base = stats.bytesRead;
  let step = await lines.next();
  while (step.done !== true) {
    const batch: ReadRecord[] = [];
    const { lines: text, firstLine } = step.value;
    stats.lines += text.length;
    for (let i = 0; i < text.length; i++) {
      const line = text[i] as string;
      const m = KIND.exec(line);
      if (m === null) {
        malformed(firstLine + i);
        continue;
      }
      const kind = m[1] as string;
      const schema = SCHEMA_OF_KIND[kind];
      if (schema === undefined) {
        if (kind === 'gap') stats.gapRecords += Number(/"dropped":(\d+)/.exec(line)?.[1] ?? 0);
        continue;
      }
      const record = parseDecision(line, schema);
      if (record === null) malformed(firstLine + i);
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
    stats.damaged.push({ file, end: end.kind, message });
  }
}

function parseDecision(
  line: string,
  schema: (typeof SCHEMA_OF_KIND)[string] & object,
): DecisionRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (isPlainAuthzRecord(value)) return value as DecisionRecord;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as DecisionRecord;
  const any = decisionRecordSchema.safeParse(value);
  return any.success ? any.data : null;
}

export function emptyStats(): ReadStats {
  return {
    files: 0,
    totalBytes: 0,
    bytesRead: 0,
    lines: 0,
    malformed: 0,
    malformedAt: [],
    gapRecords: 0,
    damaged: [],
  };
}
