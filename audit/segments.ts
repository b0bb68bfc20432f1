/**
 * @module Audit log files on disk: naming, ordering, and finding the log directories under a path.
 * Storage layer, shared by the writer and the readers. A log directory holds files
 * `audit-<index>-<UTC time>.jsonl` (the one being written) and `….jsonl.gz` (rotated), ordered by index.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditError } from './errors.js';

const NAME = /^audit-(\d{6,})-(\d{8}T\d{6}Z)\.jsonl(\.gz)?$/;

/** One file of a log. */
export interface Segment {
  /** Position of the file in the log (1, 2, …). */
  readonly index: number;
  /** Name without extension: what headers and retention records refer to. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  readonly gzip: boolean;
  /** Size on disk in bytes. */
  readonly bytes: number;
  /** When the file was started (from its name), ms since the epoch. */
  readonly startedAt: number;
}

/** File name (without extension) for segment `index` started at `at` (ms). */
export function segmentName(index: number, at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `audit-${String(index).padStart(6, '0')}-${stamp}`;
}

function parseStamp(stamp: string): number {
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`;
  return Date.parse(iso);
}

/** The audit files of one log directory, oldest first. A rotated `.gz` wins over a leftover plain copy. */
export async function listSegments(dir: string): Promise<Segment[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new AuditError(
      'ERR_AUDIT_NO_LOG',
      `${dir}: cannot read audit log directory: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const byIndex = new Map<number, Segment>();
  for (const file of names) {
    const m = NAME.exec(file);
    if (m === null) continue;
    const index = Number(m[1]);
    const gzip = m[3] !== undefined;
    const existing = byIndex.get(index);
    if (existing?.gzip) continue;
    const path = join(dir, file);
    // A file may vanish between readdir and stat (compression replaced it); the .gz is listed instead.
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (info === null) continue;
    byIndex.set(index, {
      index,
      name: `audit-${m[1]}-${m[2]}`,
      path,
      gzip,
      bytes: info.size,
      startedAt: parseStamp(m[2] as string),
    });
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/**
 * The log directories at `path`: the path itself when it holds audit files, else its immediate
 * subdirectories that do (`.palisade/audit/<sidecar>/`). Throws ERR_AUDIT_NO_LOG when there are none.
 */
export async function findLogDirs(path: string): Promise<string[]> {
  if ((await listSegments(path)).length > 0) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const sub = join(path, entry.name);
    if ((await listSegments(sub)).length > 0) out.push(sub);
  }
  if (out.length === 0) {
    throw new AuditError('ERR_AUDIT_NO_LOG', `${path}: no audit log files here or in its subdirectories`);
  }
  return out;
}
