/**
 * @module Retention: which old files to remove (too many, or too old), and what to record about each so
 * a verifier can tell pruning from tampering. Write layer. The retention record is written and synced
 * before any file is removed: a crash in between leaves a file that was announced as removed, never a
 * file that vanished without trace.
 */
import { openLine } from '../chain.js';
import { readLines } from '../read/lines.js';
import type { Segment } from '../segments.js';

export interface RetentionPolicy {
  maxFiles: number | null;
  maxAgeMs: number | null;
}

export interface Removal {
  segment: Segment;
  reason: 'max_files' | 'max_age';
  /** Last record of the removed file, from the next file's header. */
  lastSeq: number | null;
  lastHash: string | null;
}

/**
 * Plan removals among `segments` (oldest first, the active file last and never removed). A file's age
 * is measured from when the next file started, i.e. when it stopped receiving records.
 */
export async function planRetention(
  segments: readonly Segment[],
  policy: RetentionPolicy,
  now: number,
): Promise<Removal[]> {
  const out: Removal[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as Segment;
    const next = segments[i + 1] as Segment;
    const remaining = segments.length - i;
    let reason: Removal['reason'] | undefined;
    if (policy.maxFiles !== null && remaining > policy.maxFiles) reason = 'max_files';
    else if (policy.maxAgeMs !== null && now - next.startedAt > policy.maxAgeMs) reason = 'max_age';
    if (reason === undefined) break;
    const link = await readHeaderLink(next);
    out.push({ segment, reason, lastSeq: link?.seq ?? null, lastHash: link?.prevHash ?? null });
  }
  return out;
}

/** The previous-file link in a file's header: its seq minus one and prev_hash. */
async function readHeaderLink(segment: Segment): Promise<{ seq: number; prevHash: string } | null> {
  const lines = readLines(segment);
  try {
    const first = await lines.next();
    if (first.done === true) return null;
    const line = first.value.lines[0];
    if (line === undefined || openLine(line) === null) return null;
    const header = JSON.parse(line) as { kind?: unknown; seq?: unknown; prev_hash?: unknown };
    if (header.kind !== 'header' || typeof header.seq !== 'number' || typeof header.prev_hash !== 'string') {
      return null;
    }
    return { seq: header.seq - 1, prevHash: header.prev_hash };
  } catch {
    return null;
  } finally {
    await lines.return({ kind: 'clean', lines: 0 });
  }
}
