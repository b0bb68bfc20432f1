/**
 * @module Go string semantics on JavaScript strings: code points where Go uses runes, `unicode.IsSpace`,
 * per-rune case mapping and `strings.Replacer`. Builtins layer; shared by strings, sprintf, regex.
 */

/** The code points of a string (Go's `[]rune(s)`). */
export function runes(s: string): string[] {
  return Array.from(s);
}

/** True when every UTF-16 unit is ASCII (then code units, code points and UTF-8 bytes coincide). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Go's unicode.IsSpace. */
export function isGoSpace(cp: number): boolean {
  switch (cp) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200a;
  }
}

/** Go's strings.TrimSpace. */
export function trimSpace(s: string): string {
  const r = runes(s);
  let a = 0;
  let b = r.length;
  while (a < b && isGoSpace((r[a] as string).codePointAt(0) as number)) a++;
  while (b > a && isGoSpace((r[b - 1] as string).codePointAt(0) as number)) b--;
  return a === 0 && b === r.length ? s : r.slice(a, b).join('');
}

/** Go's strings.TrimLeft / TrimRight / Trim with a cutset of runes. */
export function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const cut = new Set(runes(cutset));
  const r = runes(s);
  let a = 0;
  let b = r.length;
  if (left) while (a < b && cut.has(r[a] as string)) a++;
  if (right) while (b > a && cut.has(r[b - 1] as string)) b--;
  return r.slice(a, b).join('');
}

/** Per-rune simple case mapping, as Go's strings.ToLower/ToUpper (no 'ß' → 'SS' expansion). */
export function mapCase(s: string, upper: boolean): string {
  const out = upper ? s.toUpperCase() : s.toLowerCase();
  if (isAscii(s) || runes(out).length === runes(s).length) return out;
  let res = '';
  for (const c of s) {
    const m = upper ? c.toUpperCase() : c.toLowerCase();
    res += runes(m).length === 1 ? m : c;
  }
  return res;
}

/**
 * Go's strings.NewReplacer(pairs…).Replace(s): at each position the first pattern in argument order that
 * matches wins; an empty pattern matches at every rune boundary, including the end.
 */
export function replaceAll(s: string, pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 1) {
    const [old, rep] = pairs[0] as readonly [string, string];
    if (old !== '') return s.split(old).join(rep);
  }
  let out = '';
  let i = 0;
  const hasEmpty = pairs.find(([old]) => old === '');
  while (i < s.length) {
    let matched = false;
    for (const [old, rep] of pairs) {
      if (old === '') {
        out += rep;
        break;
      }
      if (s.startsWith(old, i)) {
        out += rep;
        i += old.length;
        matched = true;
        break;
      }
    }
    if (!matched) {
      const cp = s.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      out += ch;
      i += ch.length;
    }
  }
  if (hasEmpty) out += hasEmpty[1];
  return out;
}

/** Go's strings.Count: non-overlapping occurrences; an empty substring counts runes + 1. */
export function countSubstrings(s: string, sub: string): number {
  if (sub === '') return runes(s).length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i !== -1; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

/** Reverse by code points. */
export function reverseRunes(s: string): string {
  return runes(s).reverse().join('');
}
