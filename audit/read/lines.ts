/**
 * @module Stream the lines of one audit file, plain or gzip, in batches, in constant memory. Read layer.
 * Reports how a file ends: cleanly, with a half-written last line (a crash mid-write), or with a gzip
 * stream that cannot be decoded.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Segment } from '../segments.js';

/** A batch of complete lines; `firstLine` is the 1-based line number of `lines[0]`. */
export interface LineBatch {
  readonly lines: string[];
  readonly firstLine: number;
  /** Bytes of the file (compressed bytes for gzip) read so far. */
  readonly bytesRead: number;
}

/** How reading a file ended. */
export type FileEnd =
  | { kind: 'clean'; lines: number }
  | { kind: 'torn'; lines: number; bytes: number; text: string }
  | { kind: 'bad_gzip'; lines: number; message: string }
  | { kind: 'unreadable'; lines: number; message: string };

const CHUNK = 256 * 1024;
const NEWLINE = 0x0a;

/**
 * Yield every complete line of `segment`; the generator's return value says how the file ended.
 * A decode or read error ends the file (it does not throw).
 */
export async function* readLines(segment: Segment): AsyncGenerator<LineBatch, FileEnd, void> {
  const raw = createReadStream(segment.path, { highWaterMark: CHUNK });
  const source = segment.gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (segment.gzip) raw.on('error', (err) => source.destroy(err));
  // Lines end in an ASCII newline, so cutting the bytes at the last newline never splits a character:
  // decode only complete lines and carry the remaining bytes over to the next chunk.
  let carry: Buffer | null = null;
  let lineNo = 1;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const data: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
      const last = data.lastIndexOf(NEWLINE);
      if (last === -1) {
        carry = data;
        continue;
      }
      carry = last === data.length - 1 ? null : data.subarray(last + 1);
      const lines = data.toString('utf8', 0, last).split('\n');
      yield { lines, firstLine: lineNo, bytesRead: raw.bytesRead };
      lineNo += lines.length;
    }
  } catch (err) {
    raw.destroy();
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const message = (err as Error).message;
    if (segment.gzip && code.startsWith('Z_')) return { kind: 'bad_gzip', lines: lineNo - 1, message };
    if (segment.gzip && /unexpected end of file/i.test(message)) {
      return { kind: 'bad_gzip', lines: lineNo - 1, message };
    }
    return { kind: 'unreadable', lines: lineNo - 1, message };
  }
  if (carry !== null && carry.length > 0) {
    return { kind: 'torn', lines: lineNo - 1, bytes: carry.length, text: carry.toString('utf8') };
  }
  return { kind: 'clean', lines: lineNo - 1 };
}
