/**
 * @module `glob.match` and `glob.quote_meta` with the semantics of gobwas/glob, which OPA uses: `*` and `?`
 * stop at delimiters, `**` crosses them, `[a-z]`/`[!a-z]` classes, `{a,b}` alternatives, `\` escapes.
 * Patterns are translated once to RE2 (linear-time matching) and cached.
 */
import type { Value } from '../value/index.js';
import { BuiltinError, elementError, operandError } from './builtin-error.js';
import { type CompiledRegexp, compileRegexp, matchString } from './go-regexp.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

const RE_SPECIAL = /[\\.+*?()|[\]{}^$]/g;
const quoteRe = (s: string): string => s.replace(RE_SPECIAL, '\\$&');

/** Escape a rune for use inside an RE2 character class. */
const classRune = (c: string): string => (/[\\\]^[-]/.test(c) ? `\\${c}` : c);

/** Translate a gobwas glob to an anchored RE2 pattern. */
export function globToRegexp(pattern: string, delimiters: readonly string[]): string {
  const r = Array.from(pattern);
  const notDelim = delimiters.length === 0 ? '.' : `[^${delimiters.map(classRune).join('')}]`;
  let i = 0;

  function fail(message: string): never {
    throw new BuiltinError(`cannot compile glob ${JSON.stringify(pattern)}: ${message}`);
  }

  function sequence(inBraces: boolean): string {
    let out = '';
    while (i < r.length) {
      const c = r[i] as string;
      if (inBraces && (c === ',' || c === '}')) return out;
      i++;
      switch (c) {
        case '\\':
          if (i >= r.length) fail('unexpected end of input after escape');
          out += quoteRe(r[i++] as string);
          break;
        case '*':
          if (r[i] === '*') {
            i++;
            out += '.*';
          } else {
            out += `${notDelim}*`;
          }
          break;
        case '?':
          out += notDelim;
          break;
        case '[':
          out += charClass();
          break;
        case '{':
          out += alternatives();
          break;
        case ']':
        case '}':
          fail(`unexpected '${c}'`);
          break;
        default:
          out += quoteRe(c);
      }
    }
    if (inBraces) fail("unexpected end of input: missing '}'");
    return out;
  }

  function charClass(): string {
    let negated = false;
    if (r[i] === '!') {
      negated = true;
      i++;
    }
    let body = '';
    let closed = false;
    while (i < r.length) {
      const c = r[i++] as string;
      if (c === ']') {
        closed = true;
        break;
      }
      if (c === '\\' && i < r.length) {
        body += classRune(r[i++] as string);
      } else if (c === '-' && body !== '' && i < r.length && r[i] !== ']') {
        body += '-';
      } else {
        body += classRune(c);
      }
    }
    if (!closed || body === '') fail("unexpected end of input: missing ']'");
    return `[${negated ? '^' : ''}${body}]`;
  }

  function alternatives(): string {
    const alts: string[] = [];
    for (;;) {
      alts.push(sequence(true));
      const c = r[i++];
      if (c === '}') break;
      if (c !== ',') fail("unexpected end of input: missing '}'");
    }
    return `(?:${alts.join('|')})`;
  }

  return `(?s)^${sequence(false)}$`;
}

const compiled = new Map<string, CompiledRegexp>();

function delimitersOf(v: Value): string[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw operandError(2, v, 'array', 'null');
  const out: string[] = [];
  for (const d of v) {
    if (typeof d !== 'string') throw elementError(2, v, d, 'string');
    const runes = Array.from(d);
    if (runes.length !== 1) throw elementError(2, v, d, 'rune');
    out.push(runes[0] as string);
  }
  return out.length === 0 ? ['.'] : out;
}

function globMatch(args: readonly Value[]): Value {
  const pattern = str(args, 0);
  const delimiters = delimitersOf(args[1] as Value);
  const subject = str(args, 2);
  const key = `${pattern}\u0000${delimiters.join('')}`;
  let re = compiled.get(key);
  if (re === undefined) {
    re = compileRegexp(globToRegexp(pattern, delimiters));
    if (compiled.size >= 256) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, re);
  }
  return matchString(re, subject);
}

/** gobwas QuoteMeta: escape `* ? \ [ ] { }`. */
function quoteMeta(args: readonly Value[]): Value {
  return str(args, 0).replace(/[*?\\[\]{}]/g, '\\$&');
}

export const globBuiltins: ImplTable = {
  'glob.match': globMatch,
  'glob.quote_meta': quoteMeta,
};
