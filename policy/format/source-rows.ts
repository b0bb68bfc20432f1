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

  /** The row where a rule head ends, given where its body starts: the token before `if` and `{`. */
  headEnd(bodyStart: Location): number {
    let i = this.#index(bodyStart) - 1;
    if (isOp(this.#toks[i], '{')) i--;
    const t = this.#toks[i];
    if (t?.kind === 'ident' && t.text === 'if') i--;
    return i >= 0 ? this.#toks[i]!.loc.row : bodyStart.row;
  }
}
