/**
 * @module Where constructs end in the source, for the formatter's layout decisions (the AST keeps only
 * start positions): the row of the token before a position. Formatter layer.
 */
import type { Location, Token } from '../ast/index.js';

function before(t: Token, loc: Location): boolean {
  return t.loc.row < loc.row || (t.loc.row === loc.row && t.loc.col < loc.col);
}

function isOp(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'op' && t.text === text;
}

export class SourceRows {
  readonly #toks: readonly Token[];

  constructor(tokens: readonly Token[]) {
    this.#toks = tokens;
  }

  /** Index of the first token at or after `loc`. */
  #index(loc: Location): number {
    let lo = 0;
    let hi = this.#toks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.#toks[mid]!, loc)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The row where the code before `loc` ends (its last token, `;` separators skipped). */
  endBefore(loc: Location): number {
    let i = this.#index(loc) - 1;
    while (i >= 0 && isOp(this.#toks[i], ';')) i--;
    return i >= 0 ? this.#toks[i]!.loc.row : loc.row;
  }

  /**
   * The row of the bracket that closes the construct `inner` sits in (the first element of a collection,
   * call or body), or undefined when the source has none there.
   */
  closeRow(inner: Location): number | undefined {
    return this.closeLoc(inner)?.row;
  }

  /** Where the bracket closing the construct `inner` sits in is (see closeRow). */
  closeLoc(inner: Location): Location | undefined {
    const start = this.#index(inner);
    // Only right after an opening bracket (or a comprehension's `|`): an unbraced body has no closer.
    const prev = this.#toks[start - 1];
    if (!['(', '[', '{', '|'].some((o) => isOp(prev, o))) return undefined;
    let depth = 1;
    for (let i = start; i < this.#toks.length; i++) {
      const t = this.#toks[i]!;
      if (t.kind !== 'op') continue;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth--;
        if (depth === 0) return t.loc;
      }
    }
    return undefined;
  }

  /** The source wrote a string literal at `loc` (`["if"]` rather than `.if`). */
  isString(loc: Location): boolean {
    const t = this.#toks[this.#index(loc)];
    return t !== undefined && t.loc.row === loc.row && t.loc.col === loc.col && t.kind === 'string';
  }

  /** The row of the file's last token. */
  lastRow(): number {
    for (let i = this.#toks.length - 1; i >= 0; i--)
      if (this.#toks[i]!.kind !== 'eof') return this.#toks[i]!.loc.row;
    return 1;
  }

  /** The row where a rule head ends, given where its body starts: the token before `if` and `{`. */
  headEnd(bodyStart: Location): number {
    let i = this.#index(bodyStart) - 1;
    if (isOp(this.#toks[i], '{')) i--;
    const t = this.#toks[i];
    if (t?.kind === 'ident' && t.text === 'if') i--;
    return i >= 0 ? this.#toks[i]!.loc.row : bodyStart.row;
  }
}
