// @module Native aggregate and set builtins: count, sum, product, max, min, sort, and/or/intersection/union.
// Runtime layer.
import { compare } from './compare';
import { iter_len, iter_val, set_add, set_search, value_length } from './collections';
import { type_error } from './types';
import { bi_mul, bi_plus } from './builtins-arith';
import {
  T_ARRAY, T_NUMBER, T_OBJECT, T_SET, T_STRING, arr_append, coll_len, num_int, rt_array, rt_set, set_elem, vtype,
} from './value';

export function bi_count(v: usize): usize {
  const t = vtype(v);
  if (t != T_ARRAY && t != T_OBJECT && t != T_SET && t != T_STRING) return type_error('count', 1, 'one of {array, object, set, string}', v);
  return num_int(<i64>value_length(v));
}

function fold(fn: string, v: usize, isSum: bool): usize {
  const t = vtype(v);
  if (t != T_ARRAY && t != T_SET) return type_error(fn, 1, 'one of {array, set}', v);
  let acc = num_int(isSum ? 0 : 1);
  const n = iter_len(v);
  for (let i: u32 = 0; i < n; i++) {
    const e = iter_val(v, i);
    if (vtype(e) != T_NUMBER) return type_error(fn, 1, 'any of {array[number], set[number]}', v);
    acc = isSum ? bi_plus(acc, e) : bi_mul(acc, e);
  }
  return acc;
}

export function bi_sum(v: usize): usize { return fold('sum', v, true); }
export function bi_product(v: usize): usize { return fold('product', v, false); }

function extreme(fn: string, v: usize, wantMax: bool): usize {
  const t = vtype(v);
  if (t != T_ARRAY && t != T_SET) return type_error(fn, 1, 'one of {array, set}', v);
  const n = iter_len(v);
  if (n == 0) return 0;
  let best = iter_val(v, 0);
  for (let i: u32 = 1; i < n; i++) {
    const e = iter_val(v, i);
    const c = compare(e, best);
    if (wantMax ? c > 0 : c < 0) best = e;
  }
  return best;
}

export function bi_max(v: usize): usize { return extreme('max', v, true); }
export function bi_min(v: usize): usize { return extreme('min', v, false); }

export function bi_sort(v: usize): usize {
  const t = vtype(v);
  if (t != T_ARRAY && t != T_SET) return type_error('sort', 1, 'one of {array, set}', v);
  const n = iter_len(v);
  const out = rt_array(<i32>n);
  for (let i: u32 = 0; i < n; i++) arr_append(out, iter_val(v, i));
  if (t == T_SET) return out; // already sorted
  // insertion sort: stable, and inputs are small
  const base = <usize>load<u32>(out, 12);
  for (let i: u32 = 1; i < n; i++) {
    const x = load<u32>(base + (<usize>i << 2));
    let j = <i32>i - 1;
    while (j >= 0 && compare(<usize>load<u32>(base + (<usize>j << 2)), <usize>x) > 0) {
      store<u32>(base + (<usize>(j + 1) << 2), load<u32>(base + (<usize>j << 2)));
      j--;
    }
    store<u32>(base + (<usize>(j + 1) << 2), x);
  }
  return out;
}

/** True (after reporting) when an operand is not a set. */
function bad_sets(fn: string, a: usize, b: usize): bool {
  if (vtype(a) != T_SET) {
    type_error(fn, 1, 'set', a);
    return true;
  }
  if (vtype(b) != T_SET) {
    type_error(fn, 2, 'set', b);
    return true;
  }
  return false;
}

export function bi_and(a: usize, b: usize): usize {
  if (bad_sets('and', a, b)) return 0;
  const out = rt_set();
  const n = coll_len(a);
  for (let i: u32 = 0; i < n; i++) if (set_search(b, set_elem(a, i))) set_add(out, set_elem(a, i));
  return out;
}

export function bi_or(a: usize, b: usize): usize {
  if (bad_sets('or', a, b)) return 0;
  const out = rt_set();
  for (let i: u32 = 0; i < coll_len(a); i++) set_add(out, set_elem(a, i));
  for (let i: u32 = 0; i < coll_len(b); i++) set_add(out, set_elem(b, i));
  return out;
}

export function bi_intersection(s: usize): usize {
  if (vtype(s) != T_SET) return type_error('intersection', 1, 'set[set[any]]', s);
  const n = coll_len(s);
  if (n == 0) return rt_set();
  let acc = set_elem(s, 0);
  if (vtype(acc) != T_SET) return type_error('intersection', 1, 'set[set[any]]', s);
  for (let i: u32 = 1; i < n; i++) {
    const e = set_elem(s, i);
    if (vtype(e) != T_SET) return type_error('intersection', 1, 'set[set[any]]', s);
    acc = bi_and(acc, e);
  }
  return acc;
}

export function bi_union(s: usize): usize {
  if (vtype(s) != T_SET) return type_error('union', 1, 'set[set[any]]', s);
  const out = rt_set();
  const n = coll_len(s);
  for (let i: u32 = 0; i < n; i++) {
    const e = set_elem(s, i);
    if (vtype(e) != T_SET) return type_error('union', 1, 'set[set[any]]', s);
    for (let j: u32 = 0; j < coll_len(e); j++) set_add(out, set_elem(e, j));
  }
  return out;
}
