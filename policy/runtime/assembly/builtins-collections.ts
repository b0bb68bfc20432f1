// @module Native object and array builtins: object.get, object.keys, array.concat, array.slice. Runtime layer.
import { iter_key, iter_len, iter_val, obj_get, set_add, value_get } from './collections';
import { i64_out, num_as_i64 } from './number';
import { type_error } from './types';
import { T_ARRAY, T_NUMBER, T_OBJECT, T_SET, arr_append, arr_get, coll_len, obj_key, rt_array, rt_set, vtype } from './value';

export function bi_object__get(o: usize, key: usize, dflt: usize): usize {
  if (vtype(o) != T_OBJECT) return type_error('object.get', 1, 'object', o);
  if (vtype(key) == T_ARRAY) {
    // a path: walk it, falling back to the default at the first miss
    let cur = o;
    const n = coll_len(key);
    for (let i: u32 = 0; i < n; i++) {
      cur = value_get(cur, arr_get(key, i));
      if (cur == 0) return dflt;
    }
    return cur;
  }
  const v = obj_get(o, key);
  return v != 0 ? v : dflt;
}

export function bi_object__keys(o: usize): usize {
  if (vtype(o) != T_OBJECT) return type_error('object.keys', 1, 'object', o);
  const s = rt_set();
  for (let i: u32 = 0; i < coll_len(o); i++) set_add(s, obj_key(o, i));
  return s;
}

export function bi_array__concat(a: usize, b: usize): usize {
  if (vtype(a) != T_ARRAY) return type_error('array.concat', 1, 'array', a);
  if (vtype(b) != T_ARRAY) return type_error('array.concat', 2, 'array', b);
  const out = rt_array(<i32>(coll_len(a) + coll_len(b)));
  for (let i: u32 = 0; i < coll_len(a); i++) arr_append(out, arr_get(a, i));
  for (let i: u32 = 0; i < coll_len(b); i++) arr_append(out, arr_get(b, i));
  return out;
}

export function bi_array__slice(a: usize, start: usize, stop: usize): usize {
  if (vtype(a) != T_ARRAY) return type_error('array.slice', 1, 'array', a);
  if (vtype(start) != T_NUMBER || !num_as_i64(start)) return type_error('array.slice', 2, 'number', start);
  let s = i64_out;
  if (vtype(stop) != T_NUMBER || !num_as_i64(stop)) return type_error('array.slice', 3, 'number', stop);
  let e = i64_out;
  const n = <i64>coll_len(a);
  if (s < 0) s = 0;
  if (e > n) e = n;
  const out = rt_array(0);
  for (let i = s; i < e; i++) arr_append(out, arr_get(a, <u32>i));
  return out;
}


function walk_into(out: usize, path: usize, v: usize): void {
  const pair = rt_array(2);
  arr_append(pair, path);
  arr_append(pair, v);
  arr_append(out, pair);
  const t = vtype(v);
  if (t != T_ARRAY && t != T_OBJECT && t != T_SET) return;
  const n = iter_len(v);
  const depth = coll_len(path);
  for (let i: u32 = 0; i < n; i++) {
    const child = rt_array(<i32>(depth + 1));
    for (let k: u32 = 0; k < depth; k++) arr_append(child, arr_get(path, k));
    arr_append(child, iter_key(v, i));
    walk_into(out, child, iter_val(v, i));
  }
}

/** `walk(x)`: every [path, value] pair of x, the root first, children in iteration order (set paths hold elements). */
export function bi_walk(x: usize): usize {
  const out = rt_array(0);
  walk_into(out, rt_array(0), x);
  return out;
}
