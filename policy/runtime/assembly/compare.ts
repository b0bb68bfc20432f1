// @module OPA's total order and equality over values. Runtime layer.
import { num_compare } from './number';
import {
  T_ARRAY, T_BOOLEAN, T_NUMBER, T_OBJECT, T_SET, T_STRING,
  arr_get, bool_get, coll_len, obj_key, obj_val, set_elem, str_len, str_ptr, vtype,
} from './value';

/** Compare byte strings like Go's string comparison (UTF-8 bytes ⇒ code point order). */
export function bytes_compare(ap: usize, al: u32, bp: usize, bl: u32): i32 {
  const n = al < bl ? al : bl;
  for (let i: u32 = 0; i < n; i++) {
    const x = load<u8>(ap + i);
    const y = load<u8>(bp + i);
    if (x != y) return x < y ? -1 : 1;
  }
  return al < bl ? -1 : al > bl ? 1 : 0;
}

export function str_compare(a: usize, b: usize): i32 {
  return bytes_compare(str_ptr(a), str_len(a), str_ptr(b), str_len(b));
}

/** -1, 0 or 1. Undefined (0) sorts before everything. */
export function compare(a: usize, b: usize): i32 {
  if (a == b) return 0;
  if (a == 0) return -1;
  if (b == 0) return 1;
  const ta = vtype(a);
  const tb = vtype(b);
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case T_BOOLEAN: {
      const x = bool_get(a), y = bool_get(b);
      return x == y ? 0 : x ? 1 : -1;
    }
    case T_NUMBER:
      return num_compare(a, b);
    case T_STRING:
      return str_compare(a, b);
    case T_ARRAY:
    case T_SET: {
      const la = coll_len(a), lb = coll_len(b);
      const n = la < lb ? la : lb;
      for (let i: u32 = 0; i < n; i++) {
        const c = compare(ta == T_ARRAY ? arr_get(a, i) : set_elem(a, i), ta == T_ARRAY ? arr_get(b, i) : set_elem(b, i));
        if (c != 0) return c;
      }
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
    case T_OBJECT: {
      const la = coll_len(a), lb = coll_len(b);
      const n = la < lb ? la : lb;
      for (let i: u32 = 0; i < n; i++) {
        let c = compare(obj_key(a, i), obj_key(b, i));
        if (c != 0) return c;
        c = compare(obj_val(a, i), obj_val(b, i));
        if (c != 0) return c;
      }
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
  }
  return 0;
}

/** Equality (numbers compare by value: 1 == 1.0). */
export function equal(a: usize, b: usize): bool {
  if (a == b) return true;
  if (a == 0 || b == 0) return false;
  const t = vtype(a);
  if (t != vtype(b)) return false;
  if (t == T_STRING) {
    const l = str_len(a);
    if (l != str_len(b)) return false;
    return memory.compare(str_ptr(a), str_ptr(b), l) == 0;
  }
  if ((t == T_ARRAY || t == T_OBJECT || t == T_SET) && coll_len(a) != coll_len(b)) return false;
  return compare(a, b) == 0;
}

export function rt_equal(a: usize, b: usize): i32 {
  return equal(a, b) ? 1 : 0;
}

export function rt_compare(a: usize, b: usize): i32 {
  return compare(a, b);
}
