// @module In-place data updates along a path (opa_value_add_path / opa_value_remove_path). Runtime layer.
// Codes: 0 ok, 1 internal, 2 invalid type, 3 invalid path.
import { obj_get, obj_insert, obj_remove } from './collections';
import { T_ARRAY, T_OBJECT, arr_get, coll_len, rt_object, vtype } from './value';

export function opa_value_add_path(base: usize, path: usize, v: usize): i32 {
  if (base == 0 || vtype(base) != T_OBJECT) return 2;
  if (path == 0 || vtype(path) != T_ARRAY) return 3;
  const n = coll_len(path);
  if (n == 0) return 3;
  let cur = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    const k = arr_get(path, i);
    let next = obj_get(cur, k);
    if (next == 0) {
      next = rt_object();
      obj_insert(cur, k, next);
    } else if (vtype(next) != T_OBJECT) return 2;
    cur = next;
  }
  obj_insert(cur, arr_get(path, n - 1), v);
  return 0;
}

export function opa_value_remove_path(base: usize, path: usize): i32 {
  if (base == 0 || vtype(base) != T_OBJECT) return 2;
  if (path == 0 || vtype(path) != T_ARRAY) return 3;
  const n = coll_len(path);
  if (n == 0) return 3;
  let cur = base;
  for (let i: u32 = 0; i + 1 < n; i++) {
    cur = obj_get(cur, arr_get(path, i));
    if (cur == 0) return 0;
    if (vtype(cur) != T_OBJECT) return 2;
  }
  obj_remove(cur, arr_get(path, n - 1));
  return 0;
}

/** A bump heap frees on reset; present for ABI 1.3 hosts. */
export function opa_value_free(_v: usize): void {}
