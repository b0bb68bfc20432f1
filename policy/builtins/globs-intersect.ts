/**
 * @module `regex.globs_match`: whether two "regex globs" (literals, `.`, `[...]` sets with ranges, `\`
 * escapes, `*` and `+` flags) match a common string, decided on the product of their automata. Same
 * input language and error texts as the glob-intersection library OPA uses.
 */
import { BuiltinError } from './builtin-error.js';

type CharSet = { kind: 'any' } | { kind: 'set'; runes: ReadonlySet<string> };
interface Token {
  chars: CharSet;
  flag: 'none' | 'star' | 'plus';
}

function invalid(input: string, pos: number, message: string): BuiltinError {
  return new BuiltinError(`input:${input}, pos:${pos}, ${message}: the input provided is invalid`);
}

/** Tokenise one glob; positions in errors count runes from 1 as the library reports them. */
export function tokenizeGlob(input: string): Token[] {
  const r = Array.from(input);
  const tokens: Token[] = [];
  let i = 0;
  const next = (): { ch: string; escaped: boolean } => {
    if (r[i] === '\\') {
      if (i === r.length - 1) throw invalid(input, i + 1, 'input ends with a \\ (escape) character');
      i += 2;
      return { ch: r[i - 1] as string, escaped: true };
    }
    i++;
    return { ch: r[i - 1] as string, escaped: false };
  };
  while (i < r.length) {
    const { ch, escaped } = next();
    if (!escaped && (ch === '*' || ch === '+')) {
      const last = tokens[tokens.length - 1];
      if (last === undefined || last.flag !== 'none')
        throw invalid(input, i, `flag '${ch}' must be preceded by a non-flag`);
      last.flag = ch === '*' ? 'star' : 'plus';
      continue;
    }
    if (!escaped && ch === '.') {
      tokens.push({ chars: { kind: 'any' }, flag: 'none' });
      continue;
    }
    if (!escaped && ch === ']') throw invalid(input, i, "set-close ']' with no preceding '['");
    if (!escaped && ch === '[') {
      tokens.push({ chars: { kind: 'set', runes: readSet() }, flag: 'none' });
      continue;
    }
    tokens.push({ chars: { kind: 'set', runes: new Set([ch]) }, flag: 'none' });
  }
  return tokens;

  function readSet(): Set<string> {
    const runes = new Set<string>();
    let prev: string | undefined;
    while (i < r.length) {
      const { ch, escaped } = next();
      if (!escaped && ch === ']') return runes;
      if (!escaped && ch === '-') {
        if (prev === undefined)
          throw invalid(input, i, "range character '-' must be preceded by a Unicode character");
        if (i >= r.length)
          throw invalid(input, i, "range character '-' must be followed by a Unicode character");
        const end = next();
        if (!end.escaped && (end.ch === ']' || end.ch === '-')) {
          throw invalid(input, i, "range character '-' cannot be followed by a special symbol");
        }
        const a = prev.codePointAt(0) as number;
        const b = end.ch.codePointAt(0) as number;
        if (b < a)
          throw invalid(input, i, `range is out of order: '${end.ch}' comes before '${prev}' in Unicode`);
        for (let c = a; c <= b; c++) runes.add(String.fromCodePoint(c));
        prev = undefined;
        continue;
      }
      runes.add(ch);
      prev = ch;
    }
    throw invalid(input, i, 'found [ without matching ]');
  }
}

function intersects(a: CharSet, b: CharSet): boolean {
  if (a.kind === 'any') return b.kind === 'any' || b.runes.size > 0;
  if (b.kind === 'any') return a.runes.size > 0;
  const [small, big] = a.runes.size <= b.runes.size ? [a.runes, b.runes] : [b.runes, a.runes];
  for (const c of small) if (big.has(c)) return true;
  return false;
}

/** Expand `x+` to `x x*` so every token either matches once or loops. */
function normalise(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.flag === 'plus') out.push({ chars: t.chars, flag: 'none' }, { chars: t.chars, flag: 'star' });
    else out.push(t);
  }
  return out;
}

/** True when some string matches both globs. */
export function globsIntersect(g1: string, g2: string): boolean {
  const a = normalise(tokenizeGlob(g1));
  const b = normalise(tokenizeGlob(g2));
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const ta = a[i];
    const tb = b[j];
    // Skipping a starred token consumes nothing.
    if (ta?.flag === 'star') stack.push([i + 1, j]);
    if (tb?.flag === 'star') stack.push([i, j + 1]);
    if (ta !== undefined && tb !== undefined && intersects(ta.chars, tb.chars)) {
      stack.push([ta.flag === 'star' ? i : i + 1, tb.flag === 'star' ? j : j + 1]);
    }
  }
  return false;
}
