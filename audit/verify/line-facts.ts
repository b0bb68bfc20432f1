/**
 * @module Small facts about a raw audit line that the verifier reads without parsing the JSON, and the
 * exception that carries the first problem out of the verification pass. Verify layer.
 */
import type { Problem } from './problems.js';

/** Every record line starts with its envelope in this order (pino writes members in insertion order). */
export const SEQ_PREFIX = /^\{"type":"audit","v":\d+,"seq":(\d+),"ts":"[^"]*","kind":"([a-z]+)"/;

/** Thrown inside a verification pass to stop at the first break. */
export class Broken extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

export function seqOf(line: string): number | null {
  const m = SEQ_PREFIX.exec(line);
  return m === null ? null : Number(m[1]);
}

export function preview(line: string): string {
  const text = line.length > 40 ? `${line.slice(0, 37)}...` : line;
  return JSON.stringify(text);
}
