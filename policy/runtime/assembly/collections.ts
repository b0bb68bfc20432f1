// @module Sorted object and set operations, array append, lookups by key and path. Runtime layer.
import { compare, str_compare } from './compare';
import { num_as_i64, i64_out } from './number';
import {
  T_ARRAY, T_NUMBER, T_OBJECT, T_SET, T_STRING,
  arr_append, arr_get, coll_elems, coll_len, coll_reserve, num_int, obj_key, obj_val, set_elem, vtype,
} from './value';

// Result of the last search: the index found, or the insertion point.
export let found_at: u32 = 0;

/** Binary search for `key` among an object's keys; sets found_at. */
export function obj_search(o: usize, key: usize): bool {
  let lo: u32 = 0;
  let hi = coll_len(o);
  const strKey = vtype(key) == T_STRING;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = obj_key(o, mid);
    const c = strKey && vtype(k) == T_STRING ? str_compare(k, key) : compare(k, key);
    if (c == 0) {
      found_at = mid;
      return true;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  found_at = lo;
  return false;
}

export function obj_get(o: usize, key: usize): usize {
  return obj_search(o, key) ? obj_val(o, found_at) : 0;
}

/** Insert or overwrite. */
export function obj_insert(o: usize, key: usize, val: usize): void {
  if (obj_search(o, key)) {
    store<u32>(coll_elems(o) + (<usize>found_at << 3), <u32>val, 4);
    return;
  }
  coll_reserve(o, 8);
  const len = coll_len(o);
  const base = coll_elems(o) + (<usize>found_at << 3);
  if (found_at < len) memory.copy(base + 8, base, <usize>(len - found_at) << 3);
  store<u32>(base, <u32>key);
  store<u32>(base, <u32>val, 4);
  store<u32>(o, len + 1, 4);
}

/** Remove a key; true if it was present. */
export function obj_remove(o: usize, key: usize): bool {
  if (!obj_search(o, key)) return false;
  const len = coll_len(o);
  const base = coll_elems(o) + (<usize>found_at << 3);
  memory.copy(base, base + 8, <usize>(len - found_at - 1) << 3);
  store<u32>(o, len - 1, 4);
  return true;
}

export function set_search(s: usize, v: usize): bool {
  let lo: u32 = 0;
  let hi = coll_len(s);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(set_elem(s, mid), v);
    if (c == 0) {
      found_at = mid;
      return true;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  found_at = lo;
  return false;
}

export function set_add(s: usize, v: usize): void {
  if (set_search(s, v)) return;
  coll_reserve(s, 4);
  const len = coll_len(s);
  const base = coll_elems(s) + (<usize>found_at << 2);
  if (found_at < len) memory.copy(base + 4, base, <usize>(len - found_at) << 2);
  store<u32>(base, <u32>v);
  store<u32>(s, len + 1, 4);
}

export function set_remove(s: usize, v: usize): bool {
  if (!set_search(s, v)) return false;
  const len = coll_len(s);
  const base = coll_elems(s) + (<usize>found_at << 2);
  memory.copy(base, base + 4, <usize>(len - found_at - 1) << 2);
  store<u32>(s, len - 1, 4);
  return true;
}

/** `v[key]`: object member, array element (integer index), or set member (key itself); 0 if absent. */
export function value_get(v: usize, key: usize): usize {
  if (v == 0 || key == 0) return 0;
  const t = vtype(v);
  if (t == T_OBJECT) return obj_get(v, key);
  if (t == T_ARRAY) {
    if (vtype(key) != T_NUMBER || !num_as_i64(key)) return 0;
    const i = i64_out;
    if (i < 0 || i >= <i64>coll_len(v)) return 0;
    return arr_get(v, <u32>i);
  }
  if (t == T_SET) return set_search(v, key) ? set_elem(v, found_at) : 0;
  return 0;
}

/** Length of a string (code points) or collection; -1 for other types. */
export function value_length(v: usize): i32 {
  const t = vtype(v);
  if (t == T_ARRAY || t == T_OBJECT || t == T_SET) return <i32>coll_len(v);
  if (t == T_STRING) {
    const p = <usize>load<u32>(v, 8);
    const n = load<u32>(v, 4);
    let count = 0;
    for (let i: u32 = 0; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) count++;
    return count;
  }
  return -1;
}

// --- iteration used by ScanStmt: the key at position i, and the value at position i ---

export function iter_key(v: usize, i: u32): usize {
  const t = vtype(v);
  if (t == T_ARRAY) return num_int(<i64>i);
  if (t == T_OBJECT) return obj_key(v, i);
  return set_elem(v, i);
}

export function iter_val(v: usize, i: u32): usize {
  const t = vtype(v);
  if (t == T_ARRAY) return arr_get(v, i);
  if (t == T_OBJECT) return obj_val(v, i);
  return set_elem(v, i);
}

/** Scannable length: collections only, else 0 (a scan over a scalar runs no iteration). */
export function iter_len(v: usize): u32 {
  if (v == 0) return 0;
  const t = vtype(v);
  return t == T_ARRAY || t == T_OBJECT || t == T_SET ? coll_len(v) : 0;
}

export { arr_append };
