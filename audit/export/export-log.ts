/**
 * @module `audit export`'s engine: stream decision records from one or more log directories (merged
 * by time when there are several), filter, format, and write with backpressure. Export layer. Memory
 * stays flat whatever the size of the logs: one batch per log is held at a time.
 */
import { once } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { emptyStats, type ReadRecord, type ReadStats, readLogRecords } from '../read/log-records.js';
import type { DecisionRecord } from '../record.js';
import { ByteBatch } from './byte-batch.js';
import { CSV_HEADER, csvRow } from './csv.js';
import { compileFilter, type ExportFilter } from './filter.js';
import { ocsfLine } from './ocsf.js';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'ocsf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  /** Log directories; records from several are merged in time order. */
  dirs: readonly string[];
  filter: ExportFilter;
  format: ExportFormat;
  out: Writable;
  /** Called as reading progresses (bytes of all files). */
  onProgress?: (bytesRead: number, totalBytes: number, exported: number) => void;
}

export interface ExportSummary {
  logs: number;
  files: number;
  /** Decision records read. */
  scanned: number;
  /** Records written to the output. */
  exported: number;
  /** Lines skipped because they are not well-formed records (run `audit verify`). */
  malformed: number;
  /**
   * Where the first of them are, as `file:line` (the file's full path when several logs are exported:
   * their file names repeat); at most MALFORMED_POSITIONS per log, the count above goes on.
   */
  malformedAt: string[];
  /** Records the writer reported lost (gap records) in the logs read. */
  lostByWriter: number;
  /** Files that ended badly. */
  damaged: ReadStats['damaged'];
}

function formatter(format: ExportFormat): (r: ReadRecord) => string {
  if (format === 'jsonl') return (r) => `${r.line}\n`;
  if (format === 'csv') return (r) => csvRow(r.record);
  return (r) => ocsfLine(r.record, !r.line.includes('\\'));
}

/** Run an export. Rejects if the output cannot be written. */
export async function exportLogs(options: ExportOptions): Promise<ExportSummary> {
  const keep = compileFilter(options.filter);
  const format = formatter(options.format);
  const stats = options.dirs.map(() => emptyStats());
  let exported = 0;
  let scanned = 0;
  const write = async (chunks: Buffer[]): Promise<void> => {
    for (const chunk of chunks) if (!options.out.write(chunk)) await once(options.out, 'drain');
  };
  const report = () => {
    const read = stats.reduce((n, s) => n + s.bytesRead, 0);
    const total = stats.reduce((n, s) => n + s.totalBytes, 0);
    options.onProgress?.(read, total, exported);
  };
  const bytes = new ByteBatch();
  if (options.format === 'csv') bytes.add(CSV_HEADER);
  for await (const batch of merged(options.dirs.map((dir, i) => readLogRecords(dir, stats[i])))) {
    for (const item of batch) {
      scanned += 1;
      if (!keep(item.record)) continue;
      bytes.add(format(item));
      exported += 1;
    }
    await write(bytes.take());
    report();
  }
  await write(bytes.take());
  report();
  return {
    logs: options.dirs.length,
    files: stats.reduce((n, s) => n + s.files, 0),
    scanned,
    exported,
    malformed: stats.reduce((n, s) => n + s.malformed, 0),
    malformedAt: stats.flatMap((s, i) => {
      const dir = options.dirs[i] as string;
      return s.malformedAt.map(
        (at) => `${options.dirs.length > 1 ? join(dir, at.file) : at.file}:${at.line}`,
      );
    }),
    lostByWriter: stats.reduce((n, s) => n + s.gapRecords, 0),
    damaged: stats.flatMap((s) => s.damaged),
  };
}

type Source = AsyncGenerator<ReadRecord[], unknown, void>;

/**
 * Merge sources (each in time order) into batches in time order. One source: passed through. Several:
 * a k-way merge holding one batch per source.
 */
async function* merged(sources: Source[]): AsyncGenerator<ReadRecord[], void, void> {
  if (sources.length === 1) {
    for await (const batch of sources[0] as Source) yield batch;
    return;
  }
  const cursors: { source: Source; batch: ReadRecord[]; i: number }[] = [];
  for (const source of sources) {
    const first = await source.next();
    if (first.done !== true) cursors.push({ source, batch: first.value, i: 0 });
  }
  let out: ReadRecord[] = [];
  while (cursors.length > 0) {
    let best = 0;
    for (let c = 1; c < cursors.length; c++) {
      if (tsOf(cursors[c] as (typeof cursors)[number]) < tsOf(cursors[best] as (typeof cursors)[number]))
        best = c;
    }
    const cursor = cursors[best] as (typeof cursors)[number];
    out.push(cursor.batch[cursor.i] as ReadRecord);
    cursor.i += 1;
    if (cursor.i === cursor.batch.length) {
      const next = await cursor.source.next();
      if (next.done === true) cursors.splice(best, 1);
      else {
        cursor.batch = next.value;
        cursor.i = 0;
      }
    }
    if (out.length >= 1024) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

function tsOf(cursor: { batch: ReadRecord[]; i: number }): string {
  return ((cursor.batch[cursor.i] as ReadRecord).record as DecisionRecord).ts;
}
