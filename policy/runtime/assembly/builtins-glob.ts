// @module Native glob.match: `*` (no delimiter), `**` (anything), `?`, `[...]`/`[!...]` classes and `{a,b}`
// alternatives, over bytes; delimiters default to ".". Runtime layer.
import { malloc } from './heap';
import { iter_len, iter_val } from './collections';
import { type_error } from './types';
import { T_ARRAY, T_NULL, T_STRING, V_FALSE, V_TRUE, str_len, str_ptr, vtype } from './value';

// 256-byte table: 1 = delimiter byte
const DTAB: usize = memory.data(256);

function cls(pp: usize, pe: usize, c: u8): i32 {
  // returns the byte length of the class (from '[' through ']') if c matches, else -(length)
  let i = pp + 1;
  let neg = false;
  if (i < pe && (load<u8>(i) == 0x21 || load<u8>(i) == 0x5e)) {
    neg = true;
    i++;
  }
  let hit = false;
  const first = i;
  while (i < pe && (load<u8>(i) != 0x5d || i == first)) {
    const lo = load<u8>(i);
    if (i + 2 < pe && load<u8>(i + 1) == 0x2d && load<u8>(i + 2) != 0x5d) {
      if (c >= lo && c <= load<u8>(i + 2)) hit = true;
      i += 3;
    } else {
      if (c == lo) hit = true;
      i++;
    }
  }
  const len = <i32>(i + 1 - pp);
  return hit != neg ? len : -len;
}

function m(pp: usize, pe: usize, sp: usize, se: usize): bool {
  while (pp < pe) {
    const c = load<u8>(pp);
    if (c == 0x2a) {
      const super_ = pp + 1 < pe && load<u8>(pp + 1) == 0x2a;
      const next = pp + (super_ ? 2 : 1);
      for (let s = sp; ; s++) {
        if (m(next, pe, s, se)) return true;
        if (s >= se) return false;
        if (!super_ && load<u8>(DTAB + load<u8>(s)) != 0) return false;
      }
    }
    if (c == 0x7b) return alternatives(pp, pe, sp, se);
    if (sp >= se) return false;
    const sc = load<u8>(sp);
    if (c == 0x3f) {
      if (load<u8>(DTAB + sc) != 0) return false;
      pp++;
      sp++;
      continue;
    }
    if (c == 0x5b) {
      const r = cls(pp, pe, sc);
      if (r < 0) return false;
      pp += <usize>r;
      sp++;
      continue;
    }
    if (c == 0x5c && pp + 1 < pe) pp++;
    if (load<u8>(pp) != sc) return false;
    pp++;
    sp++;
  }
  return sp == se;
}

/** `{a,b}rest`: try prefix-free alternatives by building `alt + rest` patterns. */
function alternatives(pp: usize, pe: usize, sp: usize, se: usize): bool {
  let depth = 0;
  let close = pp;
  for (let i = pp; i < pe; i++) {
    const c = load<u8>(i);
    if (c == 0x7b) depth++;
    else if (c == 0x7d && --depth == 0) {
      close = i;
      break;
    }
  }
  if (close == pp) return false;
  const restLen = pe - close - 1;
  let start = pp + 1;
  depth = 0;
  for (let i = pp + 1; i <= close; i++) {
    const c = load<u8>(i);
    if (c == 0x7b) depth++;
    else if (c == 0x7d && depth > 0) depth--;
    else if ((c == 0x2c && depth == 0) || i == close) {
      const altLen = i - start;
      const buf = malloc(altLen + restLen);
      memory.copy(buf, start, altLen);
      memory.copy(buf + altLen, close + 1, restLen);
      if (m(buf, buf + altLen + restLen, sp, se)) return true;
      start = i + 1;
    }
  }
  return false;
}

export function bi_glob__match(pattern: usize, delims: usize, match: usize): usize {
  if (vtype(pattern) != T_STRING) return type_error('glob.match', 1, 'string', pattern);
  if (vtype(match) != T_STRING) return type_error('glob.match', 3, 'string', match);
  memory.fill(DTAB, 0, 256);
  // null means no delimiters; an empty list means the default "." (as OPA's glob.match)
  if (vtype(delims) != T_NULL) {
    if (vtype(delims) != T_ARRAY) return type_error('glob.match', 2, 'array[string]', delims);
    const n = iter_len(delims);
    if (n == 0) store<u8>(DTAB + 0x2e, 1);
    for (let i: u32 = 0; i < n; i++) {
      const d = iter_val(delims, i);
      if (vtype(d) != T_STRING) return type_error('glob.match', 2, 'array[string]', delims);
      if (str_len(d) > 0) store<u8>(DTAB + load<u8>(str_ptr(d)), 1);
    }
  }
  const pp = str_ptr(pattern);
  const sp = str_ptr(match);
  return m(pp, pp + str_len(pattern), sp, sp + str_len(match)) ? V_TRUE : V_FALSE;
}
