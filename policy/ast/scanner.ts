/**
 * @module The Rego scanner: source text to tokens with positions. AST layer, first step of parsing.
 * Newlines are not tokens; each token records whether a newline preceded it, because Rego separates
 * body expressions by newline or `;`.
 */
import type { Location } from './nodes.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'rawstring' | 'template' | 'op' | 'eof' | 'illegal';

export interface Token {
  readonly kind: TokenKind;
  /** For ident/op: the text; for strings: the decoded value; for numbers: the literal. */
  readonly text: string;
  readonly loc: Location;
  readonly offset: number;
  readonly end: number;
  /** A newline separated this token from the previous one. */
  readonly nl: boolean;
  /** For template strings: literal parts and raw source of `{…}` expressions with their offsets. */
  readonly parts?: readonly TemplatePart[];
  /** Scanner-level problem with this token (bad escape, unterminated string). */
  readonly error?: string;
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; source: string; offset: number };

export interface ScannedComment {
  readonly text: string;
  readonly loc: Location;
  /** The comment is on a line of its own. */
  readonly ownLine: boolean;
}

const OPS = [':=', '==', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', ',', ';', ':'];
const SINGLE = new Set(['.', '[', ']', '{', '}', '(', ')']);

/** Tokenises a whole file eagerly; the parser is random-access over the token array. */
export function scan(file: string, text: string): { tokens: Token[]; comments: ScannedComment[] } {
  const tokens: Token[] = [];
  const comments: ScannedComment[] = [];
  // Line start offsets, to turn offsets into row/col.
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const locAt = (offset: number): Location => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, row: lo + 1, col: offset - lineStarts[lo]! + 1 };
  };

  let i = 0;
  let nl = true;
  const n = text.length;
  while (true) {
    // whitespace and comments
    while (i < n) {
      const c = text[i]!;
      if (c === '\n') {
        nl = true;
        i++;
      } else if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '#') {
        const start = i;
        while (i < n && text[i] !== '\n') i++;
        const lastTok = tokens[tokens.length - 1];
        const ownLine = nl || lastTok === undefined;
        comments.push({ text: text.slice(start + 1, i).replace(/\r$/, ''), loc: locAt(start), ownLine });
      } else break;
    }
    if (i >= n) {
      tokens.push({ kind: 'eof', text: '', loc: locAt(n), offset: n, end: n, nl: true });
      break;
    }
    const start = i;
    const c = text[i]!;
    const push = (kind: TokenKind, value: string, extra: Partial<Token> = {}) => {
      tokens.push({ kind, text: value, loc: locAt(start), offset: start, end: i, nl, ...extra });
      nl = false;
    };
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text[i]!)) i++;
      push('ident', text.slice(start, i));
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      i = scanNumber(text, i);
      push('number', text.slice(start, i));
    } else if (c === '"') {
      const r = scanString(text, i + 1, false);
      i = r.end;
      push('string', r.value, r.error ? { error: r.error } : {});
    } else if (c === '`') {
      const close = text.indexOf('`', i + 1);
      if (close < 0) {
        i = n;
        push('rawstring', text.slice(start + 1), { error: 'unterminated raw string' });
      } else {
        i = close + 1;
        push('rawstring', text.slice(start + 1, close));
      }
    } else if (c === '$' && (text[i + 1] === '"' || text[i + 1] === '`')) {
      const r = scanTemplate(text, i + 1);
      i = r.end;
      push('template', '', { parts: r.parts, ...(r.error ? { error: r.error } : {}) });
    } else if (SINGLE.has(c)) {
      i++;
      push('op', c);
    } else {
      const op = OPS.find((o) => text.startsWith(o, i));
      if (op) {
        i += op.length;
        push('op', op);
      } else {
        i++;
        push('illegal', c);
      }
    }
  }
  return { tokens, comments };
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function scanNumber(text: string, i: number): number {
  while (isDigit(text[i] ?? '')) i++;
  if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
    i++;
    while (isDigit(text[i] ?? '')) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (isDigit(text[j] ?? '')) {
      i = j;
      while (isDigit(text[i] ?? '')) i++;
    }
  }
  return i;
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Scans a JSON-style string body starting after the opening quote. */
function scanString(
  text: string,
  i: number,
  template: boolean,
): { value: string; end: number; error?: string; brace?: boolean } {
  let out = '';
  let error: string | undefined;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { value: out, end: i + 1, ...(error ? { error } : {}) };
    if (c === '\n') return { value: out, end: i, error: 'non-terminated string' };
    if (template && c === '{') return { value: out, end: i, brace: true, ...(error ? { error } : {}) };
    if (c === '\\') {
      const e = text[i + 1] ?? '';
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
          continue;
        }
        error ??= 'illegal unicode escape in string';
        i += 2;
        continue;
      }
      if (template && e === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const v = ESCAPES[e];
      if (v === undefined) error ??= `illegal escape sequence \\${e} in string`;
      out += v ?? e;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return { value: out, end: i, error: 'non-terminated string' };
}

/** Scans `"…{expr}…"` or `` `…{expr}…` `` after the `$`; `{…}` nests by brace depth and skips strings. */
function scanTemplate(text: string, i: number): { parts: TemplatePart[]; end: number; error?: string } {
  const raw = text[i] === '`';
  const parts: TemplatePart[] = [];
  i++;
  let lit = '';
  while (i < text.length) {
    const c = text[i]!;
    if ((raw && c === '`') || (!raw && c === '"')) {
      if (lit) parts.push({ kind: 'text', text: lit });
      return { parts, end: i + 1 };
    }
    if (!raw && c === '\n') break;
    if (c === '{') {
      if (lit) parts.push({ kind: 'text', text: lit });
      lit = '';
      const start = i + 1;
      let depth = 1;
      let j = start;
      while (j < text.length && depth > 0) {
        const d = text[j]!;
        if (d === '{') depth++;
        else if (d === '}') depth--;
        else if (d === '"') {
          j = scanString(text, j + 1, false).end;
          continue;
        } else if (d === '`') {
          const close = text.indexOf('`', j + 1);
          j = close < 0 ? text.length : close + 1;
          continue;
        }
        if (depth > 0) j++;
      }
      if (depth > 0) return { parts, end: text.length, error: 'unterminated template expression' };
      parts.push({ kind: 'expr', source: text.slice(start, j), offset: start });
      i = j + 1;
      continue;
    }
    if (raw) {
      if (c === '\\' && text[i + 1] === '{') {
        lit += '{';
        i += 2;
        continue;
      }
      lit += c;
      i++;
      continue;
    }
    const r = scanString(text, i, true);
    lit += r.value;
    if (r.error) return { parts, end: r.end, error: r.error };
    i = r.end;
    if (!r.brace) {
      if (lit) parts.push({ kind: 'text', text: lit });
      return { parts, end: i };
    }
  }
  return { parts, end: i, error: 'non-terminated template string' };
}
