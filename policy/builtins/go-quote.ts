/**
 * @module Go's strconv.Quote family (used by sprintf's %q): printable runes kept, others escaped as
 * \a \b \f \n \r \t \v, \xNN, \uNNNN or \UNNNNNNNN; `+` escapes all non-ASCII; `#` prefers a raw string.
 */

const SHORT: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

/** Approximates Go's unicode.IsPrint with Unicode property classes (letters, marks, numbers, punctuation, symbols, space). */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function goQuote(s: string, asciiOnly = false, preferRaw = false): string {
  if (
    preferRaw &&
    !s.includes('`') &&
    [...s].every((c) => c === '\t' || (PRINTABLE.test(c) && c !== '\ufeff'))
  ) {
    return `\`${s}\``;
  }
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0) as number;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (cp < 0x80 && PRINTABLE.test(c)) out += c;
    else if (!asciiOnly && cp >= 0x80 && PRINTABLE.test(c)) out += c;
    else if (SHORT[cp] !== undefined) out += SHORT[cp];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
