// @module Native comparison and membership builtins. Runtime layer.
import { compare, equal } from './compare';
import { value_get, iter_len, iter_val } from './collections';
import { T_ARRAY, T_OBJECT, T_SET, V_FALSE, V_TRUE, vtype } from './value';

export function bi_equal(a: usize, b: usize): usize { return equal(a, b) ? V_TRUE : V_FALSE; }
export function bi_neq(a: usize, b: usize): usize { return equal(a, b) ? V_FALSE : V_TRUE; }
export function bi_lt(a: usize, b: usize): usize { return compare(a, b) < 0 ? V_TRUE : V_FALSE; }
export function bi_lte(a: usize, b: usize): usize { return compare(a, b) <= 0 ? V_TRUE : V_FALSE; }
export function bi_gt(a: usize, b: usize): usize { return compare(a, b) > 0 ? V_TRUE : V_FALSE; }
export function bi_gte(a: usize, b: usize): usize { return compare(a, b) >= 0 ? V_TRUE : V_FALSE; }

/** `x in coll`: is x a value of the array, object or set? */
export function bi_internal__member_2(x: usize, coll: usize): usize {
  const t = vtype(coll);
  if (t == T_SET) return value_get(coll, x) != 0 ? V_TRUE : V_FALSE;
  if (t != T_ARRAY && t != T_OBJECT) return V_FALSE;
  const n = iter_len(coll);
  for (let i: u32 = 0; i < n; i++) if (equal(iter_val(coll, i), x)) return V_TRUE;
  return V_FALSE;
}

/** `k, v in coll`: does coll[k] equal v? */
export function bi_internal__member_3(k: usize, v: usize, coll: usize): usize {
  const t = vtype(coll);
  if (t == T_SET) {
    // sets: key and value are the element itself
    return equal(k, v) && value_get(coll, k) != 0 ? V_TRUE : V_FALSE;
  }
  if (t != T_ARRAY && t != T_OBJECT) return V_FALSE;
  const got = value_get(coll, k);
  return got != 0 && equal(got, v) ? V_TRUE : V_FALSE;
}

