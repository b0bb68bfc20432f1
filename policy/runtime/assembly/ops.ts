// @module Statement helpers codegen calls: insert-once, merge, `with` upserts, length. Runtime layer.
import { rt_abort } from './abort';
import { equal } from './compare';
import { obj_get, obj_insert, obj_search, found_at, set_add, value_length } from './collections';
import { T_ARRAY, T_OBJECT, arr_get, coll_len, num_int, obj_key, obj_val, rt_object, rt_set, vtype } from './value';

/** ObjectInsertOnceStmt: a different existing value is a conflict (codegen's message names the statement). */
export function rt_obj_insert_once(o: usize, k: usize, v: usize, msg: usize, msg_len: u32): void {
  if (obj_search(o, k)) {
    if (!equal(obj_val(o, found_at), v)) rt_abort(msg, msg_len);
    return;
  }
  obj_insert(o, k, v);
}

function copy_object(o: usize): usize {
  const c = rt_object();
  const n = coll_len(o);
  for (let i: u32 = 0; i < n; i++) obj_insert(c, obj_key(o, i), obj_val(o, i));
  return c;
}

/** ObjectMergeStmt: recursive merge where `a` wins on conflicting non-object values. */
export function rt_obj_merge(a: usize, b: usize): usize {
  if (a == 0) return b;
  if (b == 0) return a;
  if (vtype(a) != T_OBJECT || vtype(b) != T_OBJECT) return a;
  const out = copy_object(a);
  const n = coll_len(b);
  for (let i: u32 = 0; i < n; i++) {
    const k = obj_key(b, i);
    const bv = obj_val(b, i);
    const av = obj_get(out, k);
    if (av == 0) obj_insert(out, k, bv);
    else if (vtype(av) == T_OBJECT && vtype(bv) == T_OBJECT) obj_insert(out, k, rt_obj_merge(av, bv));
  }
  return out;
}

/** `with` upsert: a shallow copy of `base` (a fresh object when it is not one) with `key` set to `v`. */
export function rt_upsert(base: usize, key: usize, v: usize): usize {
  const out = base != 0 && vtype(base) == T_OBJECT ? copy_object(base) : rt_object();
  obj_insert(out, key, v);
  return out;
}

/** LenStmt: the length as a number, or undefined (0) for scalars. */
export function rt_len(v: usize): usize {
  const n = value_length(v);
  return n < 0 ? 0 : num_int(<i64>n);
}

/** A host builtin declared to return a set comes back from JSON as an array: make it a set again. */
export function rt_to_set(v: usize): usize {
  if (v == 0 || vtype(v) != T_ARRAY) return v;
  const s = rt_set();
  const n = coll_len(v);
  for (let i: u32 = 0; i < n; i++) set_add(s, arr_get(v, i));
  return s;
}
