// @module Values to NUL-terminated text: JSON (opa_json_dump) and Rego literals (opa_value_dump).
// Runtime layer. JSON turns sets into arrays and non-string object keys into their JSON text.
import { malloc, realloc } from './heap';
import { f64_text, i64_text } from './number';
import {
  N_FLOAT, N_INT, T_ARRAY, T_BOOLEAN, T_NULL, T_NUMBER, T_OBJECT, T_SET, T_STRING,
  arr_get, bool_get, coll_len, num_get_float, num_get_int, num_repr, obj_key, obj_val, set_elem,
  str_len, str_ptr, vtype,
} from './value';

let buf: usize = 0;
let len: u32 = 0;
let cap: u32 = 0;
let rego = false;

function reserve(n: u32): void {
  if (len + n <= cap) return;
  let ncap = cap * 2;
  if (ncap < len + n) ncap = len + n + 64;
  buf = realloc(buf, cap, ncap);
  cap = ncap;
}

// @ts-ignore: decorator
@inline
function byte(c: u8): void {
  reserve(1);
  store<u8>(buf + len++, c);
}

function ascii(s: string): void {
  const n = <u32>s.length;
  reserve(n);
  for (let i: u32 = 0; i < n; i++) store<u8>(buf + len++, <u8>s.charCodeAt(<i32>i));
}

const HEX: usize = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

function quoted(p: usize, n: u32): void {
  reserve(n + 2);
  store<u8>(buf + len++, 0x22);
  for (let i: u32 = 0; i < n; i++) {
    const c = load<u8>(p + i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) {
      reserve(1);
      store<u8>(buf + len++, c);
      continue;
    }
    reserve(6);
    store<u8>(buf + len++, 0x5c);
    if (c == 0x22 || c == 0x5c) store<u8>(buf + len++, c);
    else if (c == 0x0a) store<u8>(buf + len++, 0x6e);
    else if (c == 0x09) store<u8>(buf + len++, 0x74);
    else if (c == 0x0d) store<u8>(buf + len++, 0x72);
    else {
      store<u8>(buf + len++, 0x75);
      store<u8>(buf + len++, 0x30);
      store<u8>(buf + len++, 0x30);
      store<u8>(buf + len++, load<u8>(HEX + (c >> 4)));
      store<u8>(buf + len++, load<u8>(HEX + (c & 15)));
    }
  }
  reserve(1);
  store<u8>(buf + len++, 0x22);
}

/** Between elements: `,` in JSON, `, ` in Rego (as OPA prints values). */
function sep(): void {
  byte(0x2c);
  if (rego) byte(0x20);
}

function number(v: usize): void {
  const r = num_repr(v);
  reserve(40);
  if (r == N_INT) len += i64_text(buf + len, num_get_int(v));
  else if (r == N_FLOAT) len += f64_text(buf + len, num_get_float(v));
  else {
    const n = load<u32>(v, 4);
    reserve(n);
    memory.copy(buf + len, <usize>load<u32>(v, 8), n);
    len += n;
  }
}

function value(v: usize): void {
  if (v == 0) {
    ascii('null');
    return;
  }
  switch (vtype(v)) {
    case T_NULL:
      ascii('null');
      return;
    case T_BOOLEAN:
      ascii(bool_get(v) ? 'true' : 'false');
      return;
    case T_NUMBER:
      number(v);
      return;
    case T_STRING:
      quoted(str_ptr(v), str_len(v));
      return;
    case T_ARRAY: {
      byte(0x5b);
      const n = coll_len(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) sep();
        value(arr_get(v, i));
      }
      byte(0x5d);
      return;
    }
    case T_SET: {
      const n = coll_len(v);
      if (rego && n == 0) {
        ascii('set()');
        return;
      }
      byte(rego ? 0x7b : 0x5b);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) sep();
        value(set_elem(v, i));
      }
      byte(rego ? 0x7d : 0x5d);
      return;
    }
    case T_OBJECT: {
      byte(0x7b);
      const n = coll_len(v);
      for (let i: u32 = 0; i < n; i++) {
        if (i > 0) sep();
        const k = obj_key(v, i);
        if (vtype(k) == T_STRING) quoted(str_ptr(k), str_len(k));
        else if (rego) value(k);
        else {
          // JSON keys must be strings: dump the key as JSON, then quote that text.
          const saveBuf = buf, saveLen = len, saveCap = cap;
          buf = 0;
          len = 0;
          cap = 0;
          value(k);
          const kb = buf, kl = len;
          buf = saveBuf;
          len = saveLen;
          cap = saveCap;
          quoted(kb, kl);
        }
        byte(0x3a);
        if (rego) byte(0x20);
        value(obj_val(v, i));
      }
      byte(0x7d);
      return;
    }
  }
}

/** Dump to a fresh NUL-terminated buffer; returns its address. */
export function dump(v: usize, asRego: bool): usize {
  rego = asRego;
  cap = 256;
  buf = malloc(cap);
  len = 0;
  value(v);
  byte(0);
  const out = buf;
  buf = 0;
  return out;
}

/** Length of the last dump, without the NUL. */
export function dump_len_of(ptr: usize): u32 {
  let n: u32 = 0;
  while (load<u8>(ptr + n) != 0) n++;
  return n;
}

export function opa_json_dump(v: usize): usize {
  return dump(v, false);
}

export function opa_value_dump(v: usize): usize {
  return dump(v, true);
}
