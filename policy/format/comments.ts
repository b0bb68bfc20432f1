/**
 * @module The formatter's queue of source comments, in source order: own-line comments are printed
 * before the code that follows them, comments sharing a line with code are appended to that line.
 * Formatter layer.
 */
import type { ScannedComment } from '../ast/index.js';

export class CommentQueue {
  readonly #comments: ScannedComment[];

  constructor(comments: readonly ScannedComment[]) {
    this.#comments = [...comments];
  }

  /** Every comment (own-line or not) before `row`, as own lines at `indent`: between statements. */
  before(row: number, indent: string): string[] {
    const out: string[] = [];
    while (this.#comments.length > 0 && this.#comments[0]!.loc.row < row) {
      out.push(`${indent}#${this.#comments.shift()!.text}`);
    }
    return out;
  }

  /**
   * Own-line comments before `row` inside a construct, as lines at `indent`, with the row of the last
   * one. Comments sharing a line with code stay queued for `trailing`.
   */
  inner(row: number, indent: string): string[] & { lastRow?: number } {
    const out: string[] & { lastRow?: number } = [];
    for (let i = 0; i < this.#comments.length; ) {
      const c = this.#comments[i]!;
      if (c.loc.row >= row) break;
      if (c.ownLine) {
        out.push(`${indent}#${c.text}`);
        out.lastRow = c.loc.row;
        this.#comments.splice(i, 1);
      } else i++;
    }
    return out;
  }

  /** The comment sharing `row` with code, as ` # …` to append to the printed line ('' when none). */
  trailing(row: number): string {
    const i = this.#comments.findIndex((c) => c.loc.row === row && !c.ownLine);
    if (i < 0) return '';
    const [c] = this.#comments.splice(i, 1);
    return ` #${c!.text}`;
  }

  /**
   * Line-end comments on rows `from < row <= to` that no printed line took (the expression they sat in
   * was joined onto one line), as ` # …` suffixes in order.
   */
  within(from: number, to: number): string {
    let out = '';
    for (let i = 0; i < this.#comments.length; ) {
      const c = this.#comments[i]!;
      if (c.loc.row > to) break;
      if (!c.ownLine && c.loc.row > from) {
        out += ` #${c.text}`;
        this.#comments.splice(i, 1);
      } else i++;
    }
    return out;
  }

  /** Whatever is left (comments after the last statement), as own lines. */
  rest(): string[] {
    return this.#comments.splice(0).map((c) => `#${c.text}`);
  }
}

/** Append a trailing comment to the first line of `text`. */
export function withComment(text: string, comment: string): string {
  if (comment === '') return text;
  const nl = text.indexOf('\n');
  return nl < 0 ? text + comment : text.slice(0, nl) + comment + text.slice(nl);
}
