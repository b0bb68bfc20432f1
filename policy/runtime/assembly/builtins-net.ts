// @module Native net.cidr_contains for IPv4 and IPv6 (addresses and CIDRs). Runtime layer.
import { abort_begin, abort_bytes, abort_end, abort_str } from './abort';
import { strict_builtin_errors, type_error } from './types';
import { T_STRING, V_FALSE, V_TRUE, str_len, str_ptr, vtype } from './value';

// Parsed address: 16 bytes (IPv4 mapped into the last 4), a prefix length, and the family.
const A: usize = memory.data(16);
const B: usize = memory.data(16);
const tmp: usize = memory.data(16);
let prefix: i32 = 0;
let v4 = false;

function parse_v4(p: usize, e: usize, out: usize): bool {
  let part = 0;
  let val = -1;
  for (let i = p; i <= e; i++) {
    const c = i < e ? load<u8>(i) : <u8>0x2e;
    if (c == 0x2e) {
      if (val < 0 || val > 255 || part > 3) return false;
      store<u8>(out + 12 + part, <u8>val);
      part++;
      val = -1;
    } else if (c >= 0x30 && c <= 0x39) {
      val = (val < 0 ? 0 : val * 10) + (c - 0x30);
      if (val > 255) return false;
    } else return false;
  }
  if (part != 4) return false;
  memory.fill(out, 0, 12);
  return true;
}

function hexval(c: u8): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

function parse_v6(p: usize, e: usize, out: usize): bool {
  memory.fill(out, 0, 16);
  let groups = 0;
  let gap = -1;
  let i = p;
  if (i + 1 < e && load<u8>(i) == 0x3a && load<u8>(i + 1) == 0x3a) {
    gap = 0;
    i += 2;
  }
  while (i < e && groups < 8) {
    // an embedded IPv4 tail
    let j = i;
    while (j < e && load<u8>(j) != 0x3a) j++;
    let dotted = false;
    for (let k = i; k < j; k++) if (load<u8>(k) == 0x2e) dotted = true;
    if (dotted) {
      if (groups > 6 || !parse_v4(i, j, B)) return false;
      store<u8>(out + groups * 2, load<u8>(B + 12));
      store<u8>(out + groups * 2 + 1, load<u8>(B + 13));
      store<u8>(out + groups * 2 + 2, load<u8>(B + 14));
      store<u8>(out + groups * 2 + 3, load<u8>(B + 15));
      groups += 2;
      i = j;
      break;
    }
    if (j == i || j - i > 4) return false;
    let v = 0;
    for (let k = i; k < j; k++) {
      const h = hexval(load<u8>(k));
      if (h < 0) return false;
      v = (v << 4) | h;
    }
    store<u8>(out + groups * 2, <u8>(v >> 8));
    store<u8>(out + groups * 2 + 1, <u8>v);
    groups++;
    i = j;
    if (i < e) {
      i++; // ':'
      if (i < e && load<u8>(i) == 0x3a) {
        if (gap >= 0) return false;
        gap = groups;
        i++;
      } else if (i == e) return false;
    }
  }
  if (i != e) return false;
  if (gap >= 0) {
    const tail = groups - gap;
    const shift = 8 - groups;
    for (let k = tail - 1; k >= 0; k--) {
      store<u16>(out + (gap + shift + k) * 2, load<u16>(out + (gap + k) * 2));
    }
    for (let k = 0; k < shift; k++) store<u16>(out + (gap + k) * 2, 0);
  } else if (groups != 8) return false;
  return true;
}

/** Parse "addr" or "addr/len" into out; sets prefix (full length for a bare address) and v4. */
function parse(fn: string, s: usize, out: usize): bool {
  const p = str_ptr(s), l = str_len(s);
  let slash = p + l;
  for (let i = p; i < p + l; i++) if (load<u8>(i) == 0x2f) slash = i;
  let isV4 = true;
  for (let i = p; i < slash; i++) if (load<u8>(i) == 0x3a) isV4 = false;
  const ok = isV4 ? parse_v4(p, slash, out) : parse_v6(p, slash, out);
  if (!ok) return false;
  v4 = isV4;
  const maxLen = isV4 ? 32 : 128;
  if (slash == p + l) prefix = maxLen;
  else {
    let n = 0;
    if (slash + 1 == p + l) return false;
    for (let i = slash + 1; i < p + l; i++) {
      const c = load<u8>(i);
      if (c < 0x30 || c > 0x39) return false;
      n = n * 10 + (c - 0x30);
      if (n > maxLen) return false;
    }
    prefix = n;
  }
  if (isV4) prefix += 96;
  return true;
}

function invalid(s: usize): usize {
  if (strict_builtin_errors == 0) return 0;
  abort_begin();
  abort_str('eval_builtin_error: net.cidr_contains: invalid CIDR address: ');
  abort_bytes(str_ptr(s), str_len(s));
  abort_end();
  return 0;
}

export function bi_net__cidr_contains(cidr: usize, x: usize): usize {
  if (vtype(cidr) != T_STRING) return type_error('net.cidr_contains', 1, 'string', cidr);
  if (vtype(x) != T_STRING) return type_error('net.cidr_contains', 2, 'string', x);
  if (!parse('net.cidr_contains', cidr, A)) return invalid(cidr);
  const pa = prefix, fa = v4;
  if (!parse('net.cidr_contains', x, tmp)) return invalid(x);
  const pb = prefix;
  if (fa != v4) return V_FALSE;
  if (pb < pa) return V_FALSE;
  // compare the first pa bits
  for (let bit = 0; bit < pa; bit += 8) {
    const left = pa - bit;
    const mask: u8 = left >= 8 ? <u8>0xff : <u8>(0xff << <u8>(8 - left));
    const i = bit >> 3;
    if ((load<u8>(A + i) & mask) != (load<u8>(tmp + i) & mask)) return V_FALSE;
  }
  return V_TRUE;
}
