/**
 * @module Walk one file of a log for the verifier: header first, then every record, pulling more lines
 * when a break needs look-ahead to be classified; then judge how the file ended. Verify layer.
 */
import { basename } from 'node:path';
import { type FileEnd, readLines } from '../read/lines.js';
import type { Segment } from '../segments.js';
import type { PreviousFile, Verifier } from './verify-log.js';

/** How far ahead to look for a record that is out of place before calling it missing. */
export const LOOKAHEAD_LINES = 10_000;

export async function walkFile(
  v: Verifier,
  segment: Segment,
  previous: PreviousFile | null,
): Promise<PreviousFile> {
  v.at.file = basename(segment.path);
  const lines = readLines(segment);
  let buffered: string[] = [];
  let firstLine = 1;
  let step = await lines.next();
  let ended: FileEnd | null = null;
  const pull = async (): Promise<boolean> => {
    if (ended !== null) return false;
    step = await lines.next();
    if (step.done === true) {
      ended = step.value;
      return false;
    }
    buffered = buffered.concat(step.value.lines);
    return true;
  };
  if (step.done === true) ended = step.value;
  else buffered = step.value.lines;
  let headerSeen = false;
  let lastWasFinal = false;
  let i = 0;
  // Classifying a break needs the lines after it; pull more of the file when the batch is short.
  const ahead = async (): Promise<string[]> => {
    while (buffered.length - i - 1 < LOOKAHEAD_LINES && (await pull())) {}
    return buffered.slice(i + 1, i + 1 + LOOKAHEAD_LINES);
  };
  for (;;) {
    for (i = 0; i < buffered.length; i++) {
      v.at.line = firstLine + i;
      const line = buffered[i] as string;
      if (!headerSeen) {
        v.checkHeader(line, segment, previous);
        headerSeen = true;
        lastWasFinal = false;
        continue;
      }
      lastWasFinal = await v.checkRecord(line, ahead);
    }
    firstLine += buffered.length;
    buffered = [];
    if (!(await pull())) break;
  }
  const end = ended as unknown as FileEnd;
  if (!headerSeen && end.kind === 'clean') {
    v.at.line = 1;
    v.fail('bad_header', `${v.at.file} is empty: expected a header record`, undefined, 1);
  }
  if (end.kind === 'bad_gzip') {
    v.fail(
      'bad_gzip',
      `${v.at.file}: gzip data is damaged after line ${end.lines}: ${end.message}`,
      undefined,
      end.lines + 1,
    );
  }
  if (end.kind === 'unreadable') {
    v.fail('unreadable', `${v.at.file}: cannot read: ${end.message}`, undefined, end.lines + 1);
  }
  // A torn end is judged later: by the next file's header (recovery.torn_bytes), or in finish().
  return { segment, end, closed: lastWasFinal && end.kind === 'clean' };
}
