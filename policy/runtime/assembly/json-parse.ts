// @module JSON and Rego-value text to values (opa_json_parse, opa_value_parse). Runtime layer.
// Strings without escapes point into the source bytes (no copy): the source stays on the heap for as long
// as the value does. Integers of up to 18 digits become i64; other numbers keep their exact literal text.
import { malloc } from './heap';
import { take_result_as_rego } from './host-boundary';
import {
  V_FALSE, V_NULL, V_TRUE,
  arr_append, num_int, num_ref, rt_array, rt_object, rt_set, str_new,
} from './value';
import { obj_insert, set_add } from './collections';

let p: usize = 0;
let end: usize = 0;
let rego = false;
let failed = false;

function ws(): void {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) p++;
    else break;
  }
}

function fail(): usize {
  failed = true;
  return 0;
}

function lit(s: string, v: usize): usize {
  const n = <usize>s.length;
  if (p + n > end) return fail();
  for (let i: usize = 0; i < n; i++) if (load<u8>(p + i) != <u8>s.charCodeAt(<i32>i)) return fail();
  p += n;
  return v;
}

function hex4(): i32 {
  if (p + 4 > end) return -1;
  let x = 0;
  for (let i = 0; i < 4; i++) {
    const c = load<u8>(p + i);
    let d: i32;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
    else return -1;
    x = (x << 4) | d;
  }
  p += 4;
  return x;
}

function put_utf8(out: usize, cp: i32): usize {
  if (cp < 0x80) {
    store<u8>(out, <u8>cp);
    return 1;
  }
  if (cp < 0x800) {
    store<u8>(out, <u8>(0xc0 | (cp >> 6)));
    store<u8>(out + 1, <u8>(0x80 | (cp & 0x3f)));
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(out, <u8>(0xe0 | (cp >> 12)));
    store<u8>(out + 1, <u8>(0x80 | ((cp >> 6) & 0x3f)));
    store<u8>(out + 2, <u8>(0x80 | (cp & 0x3f)));
    return 3;
  }
  store<u8>(out, <u8>(0xf0 | (cp >> 18)));
  store<u8>(out + 1, <u8>(0x80 | ((cp >> 12) & 0x3f)));
  store<u8>(out + 2, <u8>(0x80 | ((cp >> 6) & 0x3f)));
  store<u8>(out + 3, <u8>(0x80 | (cp & 0x3f)));
  return 4;
}

function parse_string(): usize {
  p++; // opening quote
  const start = p;
  let escaped = false;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) break;
    if (c == 0x5c) {
      escaped = true;
      p += 2;
      continue;
    }
    if (c < 0x20) return fail();
    p++;
  }
  if (p >= end) return fail();
  const stop = p;
  p++;
  if (!escaped) return str_new(start, <u32>(stop - start));
  // Decode escapes into a fresh buffer (never longer than the source).
  const buf = malloc(stop - start);
  let o: usize = 0;
  let q = start;
  while (q < stop) {
    let c = load<u8>(q);
    if (c != 0x5c) {
      store<u8>(buf + o++, c);
      q++;
      continue;
    }
    c = load<u8>(q + 1);
    q += 2;
    if (c == 0x75) {
      const save = p;
      p = q;
      let cp = hex4();
      if (cp < 0) return fail();
      if (cp >= 0xd800 && cp < 0xdc00 && p + 6 <= stop && load<u8>(p) == 0x5c && load<u8>(p + 1) == 0x75) {
        p += 2;
        const lo = hex4();
        if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        else cp = 0xfffd;
      } else if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
      q = p;
      p = save;
      o += put_utf8(buf + o, cp);
      continue;
    }
    let r: u8;
    if (c == 0x6e) r = 0x0a;
    else if (c == 0x74) r = 0x09;
    else if (c == 0x72) r = 0x0d;
    else if (c == 0x62) r = 0x08;
    else if (c == 0x66) r = 0x0c;
    else if (c == 0x22 || c == 0x5c || c == 0x2f) r = c;
    else return fail();
    store<u8>(buf + o++, r);
  }
  return str_new(buf, <u32>o);
}

function parse_number(): usize {
  const start = p;
  let simple = true;
  if (p < end && load<u8>(p) == 0x2d) p++;
  const ds = p;
  while (p < end) {
    const c = load<u8>(p);
    if (c >= 0x30 && c <= 0x39) p++;
    else if (c == 0x2e || c == 0x65 || c == 0x45 || c == 0x2b || c == 0x2d) {
      simple = false;
      p++;
    } else break;
  }
  const nd = p - ds;
  if (nd == 0) return fail();
  if (nd > 1 && load<u8>(ds) == 0x30 && load<u8>(ds + 1) >= 0x30 && load<u8>(ds + 1) <= 0x39) return fail();
  if (simple && nd <= 18) {
    let x: i64 = 0;
    for (let q = ds; q < p; q++) x = x * 10 + (load<u8>(q) - 0x30);
    return num_int(load<u8>(start) == 0x2d ? -x : x);
  }
  return num_ref(start, <u32>(p - start));
}

function parse_value(): usize {
  ws();
  if (p >= end) return fail();
  const c = load<u8>(p);
  if (c == 0x22) return parse_string();
  if (c == 0x7b) return parse_object();
  if (c == 0x5b) return parse_array();
  if (c == 0x74) return lit('true', V_TRUE);
  if (c == 0x66) return lit('false', V_FALSE);
  if (c == 0x6e) return lit('null', V_NULL);
  if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return parse_number();
  if (rego && c == 0x73) {
    lit('set()', 0);
    return failed ? 0 : rt_set();
  }
  return fail();
}

/** Rego allows a trailing comma: consume `close` if it comes next. */
function closes(close: u8): bool {
  ws();
  if (p < end && load<u8>(p) == close) {
    p++;
    return true;
  }
  return false;
}

function parse_array(): usize {
  p++;
  const a = rt_array(0);
  ws();
  if (p < end && load<u8>(p) == 0x5d) {
    p++;
    return a;
  }
  while (true) {
    const v = parse_value();
    if (failed) return 0;
    arr_append(a, v);
    ws();
    if (p >= end) return fail();
    const c = load<u8>(p++);
    if (c == 0x5d) return a;
    if (c != 0x2c) return fail();
    if (rego && closes(0x5d)) return a;
  }
  return 0;
}

function parse_object(): usize {
  p++;
  ws();
  if (p < end && load<u8>(p) == 0x7d) {
    p++;
    return rt_object();
  }
  const first = rego ? parse_value() : load<u8>(p) == 0x22 ? parse_string() : fail();
  if (failed) return 0;
  ws();
  if (p >= end) return fail();
  if (rego && (load<u8>(p) == 0x2c || load<u8>(p) == 0x7d)) return parse_set_rest(first);
  const o = rt_object();
  let key = first;
  while (true) {
    ws();
    if (p >= end || load<u8>(p) != 0x3a) return fail();
    p++;
    const v = parse_value();
    if (failed) return 0;
    obj_insert(o, key, v);
    ws();
    if (p >= end) return fail();
    const c = load<u8>(p++);
    if (c == 0x7d) return o;
    if (c != 0x2c) return fail();
    if (rego && closes(0x7d)) return o;
    ws();
    key = rego ? parse_value() : p < end && load<u8>(p) == 0x22 ? parse_string() : fail();
    if (failed) return 0;
  }
  return 0;
}

function parse_set_rest(first: usize): usize {
  const s = rt_set();
  set_add(s, first);
  while (true) {
    ws();
    if (p >= end) return fail();
    const c = load<u8>(p++);
    if (c == 0x7d) return s;
    if (c != 0x2c) return fail();
    if (closes(0x7d)) return s;
    const v = parse_value();
    if (failed) return 0;
    set_add(s, v);
  }
  return 0;
}

/** Parse `len` bytes at `ptr`; 0 when the text is not one well-formed value. */
export function parse_text(ptr: usize, len: usize, asRego: bool): usize {
  p = ptr;
  end = ptr + len;
  rego = asRego;
  failed = false;
  const v = parse_value();
  if (failed) return 0;
  ws();
  return p == end ? v : 0;
}

export function opa_json_parse(ptr: usize, len: usize): usize {
  // a Palisade host may return a builtin result as Rego text (host-boundary.ts); everyone else sends JSON
  return parse_text(ptr, len, take_result_as_rego());
}

export function opa_value_parse(ptr: usize, len: usize): usize {
  return parse_text(ptr, len, true);
}
