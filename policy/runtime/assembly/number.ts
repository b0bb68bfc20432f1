// @module Numbers: integer fast path, f64 arithmetic, exact literal text (REF) for big or decimal values,
// numeric comparison (exact between literals), and text conversion. Runtime layer.
import { N_FLOAT, N_INT, N_REF, num_get_float, num_get_int, num_repr } from './value';

// Scratch for number text (dtoa writes UTF-16 there first).
export const NUM_BUF: usize = memory.data(128);

/** Parse decimal literal text into f64 (exact for up to 19 significant digits and small exponents). */
export function parse_f64(p: usize, len: u32): f64 {
  let i: u32 = 0;
  let neg = false;
  if (i < len && load<u8>(p + i) == 0x2d) {
    neg = true;
    i++;
  }
  let mant: u64 = 0;
  let digits = 0;
  let exp: i32 = 0;
  let approx: f64 = 0;
  let overflowed = false;
  while (i < len) {
    const c = load<u8>(p + i);
    if (c < 0x30 || c > 0x39) break;
    if (digits < 19) {
      mant = mant * 10 + (c - 0x30);
      if (mant != 0) digits++;
    } else {
      exp++;
      overflowed = true;
    }
    i++;
  }
  if (i < len && load<u8>(p + i) == 0x2e) {
    i++;
    while (i < len) {
      const c = load<u8>(p + i);
      if (c < 0x30 || c > 0x39) break;
      if (digits < 19) {
        mant = mant * 10 + (c - 0x30);
        if (mant != 0) digits++;
        exp--;
      }
      i++;
    }
  }
  if (i < len && (load<u8>(p + i) | 0x20) == 0x65) {
    i++;
    let eneg = false;
    if (i < len && (load<u8>(p + i) == 0x2d || load<u8>(p + i) == 0x2b)) {
      eneg = load<u8>(p + i) == 0x2d;
      i++;
    }
    let e: i32 = 0;
    while (i < len) {
      const c = load<u8>(p + i);
      if (c < 0x30 || c > 0x39) break;
      if (e < 100000) e = e * 10 + (c - 0x30);
      i++;
    }
    exp += eneg ? -e : e;
  }
  approx = <f64>mant;
  if (exp != 0) {
    // Exact when mant < 2^53 and |exp| <= 22 (both factors exactly representable).
    if (exp > 0) approx = approx * Math.pow(10, <f64>exp);
    else approx = approx / Math.pow(10, <f64>-exp);
  }
  if (overflowed && approx == 0) approx = 0;
  return neg ? -approx : approx;
}

export function num_to_f64(v: usize): f64 {
  const r = num_repr(v);
  if (r == N_INT) return <f64>num_get_int(v);
  if (r == N_FLOAT) return num_get_float(v);
  return parse_f64(<usize>load<u32>(v, 8), load<u32>(v, 4));
}

/** Is the number an integer (INT, an integral FLOAT, or integral literal text)? */
export function num_is_integer(v: usize): bool {
  const r = num_repr(v);
  if (r == N_INT) return true;
  const f = num_to_f64(v);
  return f == Math.trunc(f) && isFinite(f);
}

/** Try to read the number as an i64 exactly; returns false when it is not an exact integer in range. */
export function num_as_i64(v: usize): bool {
  const r = num_repr(v);
  if (r == N_INT) {
    i64_out = num_get_int(v);
    return true;
  }
  const f = num_to_f64(v);
  if (f != Math.trunc(f) || !isFinite(f) || Math.abs(f) >= 9223372036854775807.0) return false;
  i64_out = <i64>f;
  return true;
}
export let i64_out: i64 = 0;

// --- exact comparison of decimal texts ---

// Canonical decimal form of a text: sign, significant digit span [ds, de) without leading/trailing zeros
// (the fraction point skipped), and the decimal exponent of the first significant digit.
let c_neg = false;
let c_start: usize = 0;
let c_end: usize = 0;
let c_exp: i32 = 0;
let c_ptr: usize = 0;
let c_len: u32 = 0;
let c_dot: i32 = -1;

function digit_at(k: u32): u8 {
  // k-th significant digit, skipping the '.'.
  let pos = <i32>(c_start - c_ptr) + <i32>k;
  if (c_dot >= 0 && <i32>(c_start - c_ptr) < c_dot && pos >= c_dot) pos++;
  return load<u8>(c_ptr + pos);
}

/** Compare the magnitudes and signs of two decimal texts exactly. */
export function dec_compare(ap: usize, al: u32, bp: usize, bl: u32): i32 {
  canon(ap, al);
  const an = c_neg, aexp = c_exp, aptr = c_ptr, astart = c_start, adot = c_dot, adigits = count_digits();
  canon(bp, bl);
  const bn = c_neg, bexp = c_exp, bdigits = count_digits();
  const azero = adigits == 0, bzero = bdigits == 0;
  if (azero && bzero) return 0;
  const asign: i32 = azero ? 0 : an ? -1 : 1;
  const bsign: i32 = bzero ? 0 : bn ? -1 : 1;
  if (asign != bsign) return asign < bsign ? -1 : 1;
  let mag: i32 = 0;
  if (aexp != bexp) mag = aexp < bexp ? -1 : 1;
  else {
    const n = max(adigits, bdigits);
    for (let k: u32 = 0; k < n && mag == 0; k++) {
      const db = k < bdigits ? digit_at(k) : <u8>0x30;
      // read a's digit with a's canonical state
      let pos = <i32>(astart - aptr) + <i32>k;
      if (adot >= 0 && <i32>(astart - aptr) < adot && pos >= adot) pos++;
      const da = k < adigits ? load<u8>(aptr + pos) : <u8>0x30;
      if (da != db) mag = da < db ? -1 : 1;
    }
  }
  return asign < 0 ? -mag : mag;
}

function count_digits(): u32 {
  let n: u32 = 0;
  for (let p = c_start; p < c_end; p++) if (load<u8>(p) != 0x2e) n++;
  // strip trailing zeros
  let q = c_end;
  while (q > c_start && (load<u8>(q - 1) == 0x30 || load<u8>(q - 1) == 0x2e)) {
    if (load<u8>(q - 1) == 0x30) n--;
    q--;
  }
  c_end = q;
  return n;
}

function canon(p: usize, len: u32): void {
  c_ptr = p;
  c_len = len;
  let i: u32 = 0;
  c_neg = false;
  if (i < len && load<u8>(p) == 0x2d) {
    c_neg = true;
    i++;
  }
  // mantissa span
  const ms = i;
  c_dot = -1;
  while (i < len) {
    const c = load<u8>(p + i);
    if (c == 0x2e) c_dot = <i32>i;
    else if (c < 0x30 || c > 0x39) break;
    i++;
  }
  const me = i;
  let e: i32 = 0;
  if (i < len) {
    i++;
    let eneg = false;
    if (i < len && (load<u8>(p + i) == 0x2d || load<u8>(p + i) == 0x2b)) {
      eneg = load<u8>(p + i) == 0x2d;
      i++;
    }
    while (i < len) {
      e = e * 10 + (load<u8>(p + i) - 0x30);
      i++;
    }
    if (eneg) e = -e;
  }
  const intEnd: i32 = c_dot >= 0 ? c_dot : <i32>me;
  // first significant digit
  let s = ms;
  while (s < me && (load<u8>(p + s) == 0x30 || load<u8>(p + s) == 0x2e)) s++;
  c_start = p + s;
  c_end = p + me;
  // exponent of the first significant digit: digits before the point minus one, or negative offsets.
  if (<i32>s < intEnd) c_exp = intEnd - <i32>s - 1 + e;
  else c_exp = intEnd - <i32>s + e;
}

/** Write an i64 as decimal text at `buf`; returns the length. */
export function i64_text(buf: usize, x: i64): u32 {
  let n: u32 = 0;
  let u: u64;
  if (x < 0) {
    store<u8>(buf, 0x2d);
    n = 1;
    u = <u64>(-(x + 1)) + 1;
  } else u = <u64>x;
  let digits: u32 = 1;
  let t = u;
  while (t >= 10) {
    t /= 10;
    digits++;
  }
  for (let k: u32 = 0; k < digits; k++) {
    store<u8>(buf + n + digits - 1 - k, <u8>(0x30 + <u32>(u % 10)));
    u /= 10;
  }
  return n + digits;
}

/** Compare two numbers (any representations). */
export function num_compare(a: usize, b: usize): i32 {
  const ra = num_repr(a);
  const rb = num_repr(b);
  if (ra == N_INT && rb == N_INT) {
    const x = num_get_int(a);
    const y = num_get_int(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra != N_REF && rb != N_REF) {
    const x = num_to_f64(a);
    const y = num_to_f64(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // At least one literal: compare exactly as decimal text.
  return dec_compare(num_text_ptr(a, 0), num_text_len, num_text_ptr(b, 64), num_text_len2());
}

let num_text_len: u32 = 0;
let num_text_len_b: u32 = 0;
const CMP_BUF: usize = memory.data(160);

function num_text_len2(): u32 {
  return num_text_len_b;
}

function num_text_ptr(v: usize, slot: u32): usize {
  const r = num_repr(v);
  let p: usize;
  let l: u32;
  if (r == N_REF) {
    p = <usize>load<u32>(v, 8);
    l = load<u32>(v, 4);
  } else if (r == N_INT) {
    p = CMP_BUF + slot;
    l = i64_text(p, num_get_int(v));
  } else {
    p = CMP_BUF + slot;
    l = f64_text(p, num_get_float(v));
  }
  if (slot == 0) num_text_len = l;
  else num_text_len_b = l;
  return p;
}

/** Shortest round-trip text of a finite f64 (ASCII) at `buf`; returns the length. */
export function f64_text(buf: usize, f: f64): u32 {
  const n = dtoa_buffered(NUM_BUF, f);
  let out: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    store<u8>(buf + out, <u8>load<u16>(NUM_BUF + (<usize>i << 1)));
    out++;
  }
  // AssemblyScript prints integral values as "1.0": drop the ".0".
  if (out >= 2 && load<u8>(buf + out - 1) == 0x30 && load<u8>(buf + out - 2) == 0x2e) out -= 2;
  return out;
}

import { dtoa_buffered } from 'util/number';
