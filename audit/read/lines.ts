/**
 * @module Stream the lines of one audit file, plain or gzip, in batches, in constant memory. Read layer.
 * Reports how a file ends: cleanly, with a half-written last line (a crash mid-write), or with a gzip
 * stream that cannot be decoded.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
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

/**
 * Yield every complete line of `segment`; the generator's return value says how the file ended.
 * A decode or read error ends the file (it does not throw).
 */
export async function* readLines(segment: Segment): AsyncGenerator<LineBatch, FileEnd, void> {
  const raw = createReadStream(segment.path, { highWaterMark: CHUNK });
  const source = segment.gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (segment.gzip) raw.on('error', (err) => source.destroy(err));
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 1;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const lines = text.split('\n');
      rest = lines.pop() as string;
      if (lines.length > 0) {
        yield { lines, firstLine: lineNo, bytesRead: raw.bytesRead };
        lineNo += lines.length;
      }
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
  rest += decoder.end();
  if (rest !== '') return { kind: 'torn', lines: lineNo - 1, bytes: Buffer.byteLength(rest), text: rest };
  return { kind: 'clean', lines: lineNo - 1 };
}
