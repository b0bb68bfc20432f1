// @module Native string builtins (byte-level on UTF-8; case mapping is ASCII-only). Runtime layer.
import { malloc } from './heap';
import { iter_len, iter_val } from './collections';
import { builtin_error, type_error } from './types';
import { i64_out, num_as_i64 } from './number';
import {
  T_ARRAY, T_NUMBER, T_SET, T_STRING, V_FALSE, V_TRUE, arr_append, num_int, rt_array, str_len, str_new, str_ptr, vtype,
} from './value';

/** True (after reporting) when the operand is not a string. */
function notStr(fn: string, n: i32, v: usize): bool {
  if (vtype(v) == T_STRING) return false;
  type_error(fn, n, 'string', v);
  return true;
}

function find(hp: usize, hl: u32, np: usize, nl: u32, from: u32): i32 {
  if (nl == 0) return <i32>from;
  if (nl > hl) return -1;
  for (let i = from; i + nl <= hl; i++) {
    if (load<u8>(hp + i) == load<u8>(np) && memory.compare(hp + i, np, nl) == 0) return <i32>i;
  }
  return -1;
}

export function bi_contains(s: usize, sub: usize): usize {
  if (notStr('contains', 1, s)) return 0;
  if (notStr('contains', 2, sub)) return 0;
  return find(str_ptr(s), str_len(s), str_ptr(sub), str_len(sub), 0) >= 0 ? V_TRUE : V_FALSE;
}

export function bi_startswith(s: usize, pre: usize): usize {
  if (notStr('startswith', 1, s)) return 0;
  if (notStr('startswith', 2, pre)) return 0;
  const n = str_len(pre);
  return n <= str_len(s) && memory.compare(str_ptr(s), str_ptr(pre), n) == 0 ? V_TRUE : V_FALSE;
}

export function bi_endswith(s: usize, suf: usize): usize {
  if (notStr('endswith', 1, s)) return 0;
  if (notStr('endswith', 2, suf)) return 0;
  const n = str_len(suf), l = str_len(s);
  return n <= l && memory.compare(str_ptr(s) + l - n, str_ptr(suf), n) == 0 ? V_TRUE : V_FALSE;
}

function mapcase(s: usize, upper: bool): usize {
  const n = str_len(s), p = str_ptr(s);
  const b = malloc(n);
  for (let i: u32 = 0; i < n; i++) {
    let c = load<u8>(p + i);
    if (upper && c >= 0x61 && c <= 0x7a) c -= 32;
    else if (!upper && c >= 0x41 && c <= 0x5a) c += 32;
    store<u8>(b + i, c);
  }
  return str_new(b, n);
}

export function bi_lower(s: usize): usize {
  if (notStr('lower', 1, s)) return 0;
  return mapcase(s, false);
}

export function bi_upper(s: usize): usize {
  if (notStr('upper', 1, s)) return 0;
  return mapcase(s, true);
}

function runes_before(p: usize, bytes: u32): i32 {
  let n = 0;
  for (let i: u32 = 0; i < bytes; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) n++;
  return n;
}

export function bi_indexof(s: usize, sub: usize): usize {
  if (notStr('indexof', 1, s)) return 0;
  if (notStr('indexof', 2, sub)) return 0;
  const i = find(str_ptr(s), str_len(s), str_ptr(sub), str_len(sub), 0);
  return num_int(i < 0 ? -1 : runes_before(str_ptr(s), <u32>i));
}

/** Byte offset of rune index r (or the length when past the end). */
function rune_offset(p: usize, l: u32, r: i64): u32 {
  let n: i64 = 0;
  for (let i: u32 = 0; i < l; i++) {
    if ((load<u8>(p + i) & 0xc0) != 0x80) {
      if (n == r) return i;
      n++;
    }
  }
  return l;
}

export function bi_concat(delim: usize, coll: usize): usize {
  if (notStr('concat', 1, delim)) return 0;
  const t = vtype(coll);
  if (t != T_ARRAY && t != T_SET) return type_error('concat', 2, 'any of {array[string], set[string]}', coll);
  const n = iter_len(coll);
  let total: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const e = iter_val(coll, i);
    if (vtype(e) != T_STRING) return type_error('concat', 2, 'any of {array[string], set[string]}', coll);
    total += str_len(e) + (i > 0 ? str_len(delim) : 0);
  }
  const b = malloc(total);
  let o: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    if (i > 0) {
      memory.copy(b + o, str_ptr(delim), str_len(delim));
      o += str_len(delim);
    }
    const e = iter_val(coll, i);
    memory.copy(b + o, str_ptr(e), str_len(e));
    o += str_len(e);
  }
  return str_new(b, total);
}

export function bi_split(s: usize, d: usize): usize {
  if (notStr('split', 1, s)) return 0;
  if (notStr('split', 2, d)) return 0;
  const out = rt_array(0);
  const p = str_ptr(s), l = str_len(s), dl = str_len(d);
  if (dl == 0) {
    // Go's strings.Split with an empty separator splits into UTF-8 sequences.
    let i: u32 = 0;
    while (i < l) {
      let j = i + 1;
      while (j < l && (load<u8>(p + j) & 0xc0) == 0x80) j++;
      arr_append(out, str_new(p + i, j - i));
      i = j;
    }
    return out;
  }
  let start: u32 = 0;
  while (true) {
    const at = find(p, l, str_ptr(d), dl, start);
    if (at < 0) break;
    arr_append(out, str_new(p + start, <u32>at - start));
    start = <u32>at + dl;
  }
  arr_append(out, str_new(p + start, l - start));
  return out;
}

export function bi_replace(s: usize, old: usize, nw: usize): usize {
  if (notStr('replace', 1, s)) return 0;
  if (notStr('replace', 2, old)) return 0;
  if (notStr('replace', 3, nw)) return 0;
  const parts = bi_split(s, old);
  if (str_len(old) == 0) return s; // TODO: Go inserts `new` between runes; rare, kept as identity
  return bi_concat(nw, parts);
}

export function bi_substring(s: usize, start: usize, length: usize): usize {
  if (notStr('substring', 1, s)) return 0;
  const p = str_ptr(s), l = str_len(s);
  if (vtype(start) != T_NUMBER || !num_as_i64(start)) return type_error('substring', 2, 'integer', start);
  const st = i64_out;
  if (vtype(length) != T_NUMBER || !num_as_i64(length)) return type_error('substring', 3, 'integer', length);
  const ln = i64_out;
  if (st < 0) return builtin_error('substring', 'negative offset');
  const b0 = rune_offset(p, l, st);
  const b1 = ln < 0 ? l : rune_offset(p, l, st + ln);
  return str_new(p + b0, b1 > b0 ? b1 - b0 : 0);
}

function in_cutset(c: u8, cp: usize, cl: u32): bool {
  for (let i: u32 = 0; i < cl; i++) if (load<u8>(cp + i) == c) return true;
  return false;
}

function trim_impl(fn: string, s: usize, cut: usize, left: bool, right: bool): usize {
  if (notStr(fn, 1, s)) return 0;
  if (notStr(fn, 2, cut)) return 0;
  const p = str_ptr(s);
  let a: u32 = 0, b = str_len(s);
  if (left) while (a < b && in_cutset(load<u8>(p + a), str_ptr(cut), str_len(cut))) a++;
  if (right) while (b > a && in_cutset(load<u8>(p + b - 1), str_ptr(cut), str_len(cut))) b--;
  return str_new(p + a, b - a);
}

export function bi_trim(s: usize, c: usize): usize { return trim_impl('trim', s, c, true, true); }
export function bi_trim_left(s: usize, c: usize): usize { return trim_impl('trim_left', s, c, true, false); }
export function bi_trim_right(s: usize, c: usize): usize { return trim_impl('trim_right', s, c, false, true); }

const SPACE: usize = memory.data<u8>([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

export function bi_trim_space(s: usize): usize {
  if (notStr('trim_space', 1, s)) return 0;
  const p = str_ptr(s);
  let a: u32 = 0, b = str_len(s);
  while (a < b && in_cutset(load<u8>(p + a), SPACE, 6)) a++;
  while (b > a && in_cutset(load<u8>(p + b - 1), SPACE, 6)) b--;
  return str_new(p + a, b - a);
}

export function bi_trim_prefix(s: usize, pre: usize): usize {
  if (notStr('trim_prefix', 1, s)) return 0;
  if (notStr('trim_prefix', 2, pre)) return 0;
  return bi_startswith(s, pre) == V_TRUE ? str_new(str_ptr(s) + str_len(pre), str_len(s) - str_len(pre)) : s;
}

export function bi_trim_suffix(s: usize, suf: usize): usize {
  if (notStr('trim_suffix', 1, s)) return 0;
  if (notStr('trim_suffix', 2, suf)) return 0;
  return bi_endswith(s, suf) == V_TRUE ? str_new(str_ptr(s), str_len(s) - str_len(suf)) : s;
}
