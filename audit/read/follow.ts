/**
 * @module Follow a live log (`audit tail`): the last N records of the newest file, then new records as
 * they are appended, across rotations. Read layer. Reads through an open descriptor, so a file that is
 * compressed and removed after rotation is still read to its end before moving to the next one.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { listSegments, type Segment } from '../segments.js';
import { readLines } from './lines.js';

export interface FollowOptions {
  /** Records to show from the end of the newest file before following (default 10). */
  last: number;
  /** Keep watching for new records (default true). */
  follow: boolean;
  /** Stop following. */
  signal?: AbortSignal;
  /** Poll interval in ms (default 200). */
  pollMs?: number;
  /** Called with each line worth showing (a decision or gap record). */
  onLine: (line: string) => void;
}

const SHOWN = /^\{"type":"audit","v":\d+,"seq":\d+,"ts":"[^"]*","kind":"(authz|quota|identity|gap)"/;

export async function followLog(dir: string, options: FollowOptions): Promise<void> {
  const segments = await listSegments(dir);
  const newest = segments.at(-1) as Segment;
  const ring: string[] = [];
  let offset = 0;
  // Older files first when the newest one holds fewer than `last` records (it may have just rotated).
  const older = await olderFilesNeeded(segments, options.last);
  for (const segment of older) await collect(segment, ring, options.last);
  if (newest.gzip || !options.follow) {
    await collect(newest, ring, options.last);
    for (const line of ring) options.onLine(line);
    ring.length = 0;
    if (!options.follow) return;
  }
  let current = newest;
  let handle: FileHandle | null = current.gzip ? null : await open(current.path, 'r');
  if (handle !== null) {
    offset = await readNew(handle, 0, (line) => pushRing(ring, line, options.last));
    for (const line of ring) options.onLine(line);
  }
  const decoder = { rest: '' };
  const pollMs = options.pollMs ?? 200;
  try {
    while (options.signal?.aborted !== true) {
      if (handle !== null) offset = await readNew(handle, offset, options.onLine, decoder);
      const next = (await listSegments(dir)).find((s) => s.index > current.index);
      if (next !== undefined) {
        // Rotated: finish the old file through its descriptor, then move on.
        if (handle !== null) {
          offset = await readNew(handle, offset, options.onLine, decoder);
          await handle.close();
        }
        current = next;
        handle = await open(next.path, 'r').catch(() => null);
        offset = 0;
        decoder.rest = '';
        continue;
      }
      await sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    await handle?.close();
  }
}

async function collect(segment: Segment, ring: string[], size: number): Promise<number> {
  let shown = 0;
  for await (const batch of readLines(segment)) {
    for (const line of batch.lines) {
      if (!SHOWN.test(line)) continue;
      shown += 1;
      pushRing(ring, line, size);
    }
  }
  return shown;
}

/** The files before the newest needed to show `last` records, oldest first. */
async function olderFilesNeeded(segments: readonly Segment[], last: number): Promise<Segment[]> {
  let count = await collect(segments.at(-1) as Segment, [], 0);
  const out: Segment[] = [];
  for (let i = segments.length - 2; i >= 0 && count < last; i--) {
    const segment = segments[i] as Segment;
    out.unshift(segment);
    count += await collect(segment, [], 0);
  }
  return out;
}

function pushRing(ring: string[], line: string, size: number): void {
  if (size <= 0) return;
  ring.push(line);
  if (ring.length > size) ring.shift();
}

/** Read complete lines appended since `offset`; returns the new offset (after the last full line). */
async function readNew(
  handle: FileHandle,
  offset: number,
  onLine: (line: string) => void,
  state: { rest: string } = { rest: '' },
): Promise<number> {
  const buffer = Buffer.alloc(256 * 1024);
  const decoder = new StringDecoder('utf8');
  let position = offset;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const lines = (state.rest + decoder.write(buffer.subarray(0, bytesRead))).split('\n');
    state.rest = lines.pop() as string;
    for (const line of lines) if (SHOWN.test(line)) onLine(line);
  }
  // Keep a partial line for the next read: re-read it from its start.
  const pending = Buffer.byteLength(state.rest);
  state.rest = '';
  return position - pending;
}
