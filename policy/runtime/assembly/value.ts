// @module The runtime's value layout: constructors and accessors over raw linear memory. Runtime layer.
// Every value is a pointer to a small header; type tags follow OPA's sort order (null < boolean < number <
// string < array < set < object), so comparing tags orders values of different types.
//   null    [u8 type]
//   boolean [u8 type][u32 @4 0|1]
//   number  [u8 type][u8 repr @1][u32 len @4][i64 | f64 | text ptr @8]      16 bytes
//   string  [u8 type][u32 len @4][u32 bytes @8]                            12 bytes (static ones too)
//   array / object / set [u8 type][u32 len @4][u32 cap @8][u32 elems @12]   16 bytes
// Objects keep (key, value) pairs sorted by key and sets keep elements sorted, so lookups are binary
// searches and iteration follows OPA's canonical order.
import { malloc } from './heap';

export const T_NULL: u8 = 1;
export const T_BOOLEAN: u8 = 2;
export const T_NUMBER: u8 = 3;
export const T_STRING: u8 = 4;
export const T_ARRAY: u8 = 5;
export const T_SET: u8 = 6;
export const T_OBJECT: u8 = 7;

export const N_INT: u8 = 1;
export const N_FLOAT: u8 = 2;
export const N_REF: u8 = 3;

export const V_NULL: usize = memory.data<u32>([1, 0]);
export const V_FALSE: usize = memory.data<u32>([2, 0]);
export const V_TRUE: usize = memory.data<u32>([2, 1]);

// @ts-ignore: decorator
@inline
export function vtype(v: usize): u8 {
  return load<u8>(v);
}

// --- scalars ---

export function rt_null(): usize {
  return V_NULL;
}

export function rt_boolean(b: i32): usize {
  return b != 0 ? V_TRUE : V_FALSE;
}

// @ts-ignore: decorator
@inline
export function bool_get(v: usize): bool {
  return load<u32>(v, 4) != 0;
}

export function num_int(i: i64): usize {
  const v = malloc(16);
  store<u32>(v, (<u32>N_INT << 8) | T_NUMBER);
  store<i64>(v, i, 8);
  return v;
}

export function num_float(f: f64): usize {
  // Integral floats within i64's exact range become integers, as in OPA (1.0 == 1, dumps as 1).
  if (f == Math.trunc(f) && Math.abs(f) < 9007199254740992.0) return num_int(<i64>f);
  const v = malloc(16);
  store<u32>(v, (<u32>N_FLOAT << 8) | T_NUMBER);
  store<f64>(v, f, 8);
  return v;
}

/** A number kept as its literal text (exact big integers and decimals). */
export function num_ref(ptr: usize, len: u32): usize {
  const v = malloc(16);
  store<u32>(v, (<u32>N_REF << 8) | T_NUMBER);
  store<u32>(v, len, 4);
  store<u32>(v, <u32>ptr, 8);
  return v;
}

// @ts-ignore: decorator
@inline
export function num_repr(v: usize): u8 {
  return load<u8>(v, 1);
}

// @ts-ignore: decorator
@inline
export function num_get_int(v: usize): i64 {
  return load<i64>(v, 8);
}

// @ts-ignore: decorator
@inline
export function num_get_float(v: usize): f64 {
  return load<f64>(v, 8);
}

export function rt_number_int(i: i32): usize {
  return num_int(<i64>i);
}

export function str_new(ptr: usize, len: u32): usize {
  const v = malloc(12);
  store<u32>(v, T_STRING);
  store<u32>(v, len, 4);
  store<u32>(v, <u32>ptr, 8);
  return v;
}

/** A string value over a copy of the bytes. */
export function str_copy(ptr: usize, len: u32): usize {
  const b = malloc(len);
  memory.copy(b, ptr, len);
  return str_new(b, len);
}

// @ts-ignore: decorator
@inline
export function str_len(v: usize): u32 {
  return load<u32>(v, 4);
}

// @ts-ignore: decorator
@inline
export function str_ptr(v: usize): usize {
  return <usize>load<u32>(v, 8);
}

/** A string value from an AssemblyScript literal (ASCII), e.g. type names. */
export function str_lit(s: string): usize {
  const n = s.length;
  const b = malloc(n);
  for (let i = 0; i < n; i++) store<u8>(b + i, <u8>s.charCodeAt(i));
  return str_new(b, n);
}

// --- collections: shared header ---

// @ts-ignore: decorator
@inline
export function coll_len(v: usize): u32 {
  return load<u32>(v, 4);
}

// @ts-ignore: decorator
@inline
export function coll_elems(v: usize): usize {
  return <usize>load<u32>(v, 12);
}

export function coll_new(type: u8, cap: u32, slot: u32): usize {
  const v = malloc(16);
  store<u32>(v, type);
  store<u32>(v, 0, 4);
  store<u32>(v, cap, 8);
  store<u32>(v, cap > 0 ? <u32>malloc(<usize>cap * slot) : 0, 12);
  return v;
}

/** Make room for one more slot of `slot` bytes, doubling the capacity. */
export function coll_reserve(v: usize, slot: u32): void {
  const len = load<u32>(v, 4);
  const cap = load<u32>(v, 8);
  if (len < cap) return;
  const ncap = cap < 4 ? 4 : cap * 2;
  const old = coll_elems(v);
  const n = malloc(<usize>ncap * slot);
  if (len > 0) memory.copy(n, old, <usize>len * slot);
  store<u32>(v, ncap, 8);
  store<u32>(v, <u32>n, 12);
}

export function rt_array(cap: i32): usize {
  return coll_new(T_ARRAY, <u32>cap, 4);
}

export function rt_object(): usize {
  return coll_new(T_OBJECT, 0, 8);
}

export function rt_set(): usize {
  return coll_new(T_SET, 0, 4);
}

// @ts-ignore: decorator
@inline
export function arr_get(a: usize, i: u32): usize {
  return <usize>load<u32>(coll_elems(a) + (<usize>i << 2));
}

export function arr_append(a: usize, v: usize): void {
  coll_reserve(a, 4);
  const len = coll_len(a);
  store<u32>(coll_elems(a) + (<usize>len << 2), <u32>v);
  store<u32>(a, len + 1, 4);
}

// @ts-ignore: decorator
@inline
export function obj_key(o: usize, i: u32): usize {
  return <usize>load<u32>(coll_elems(o) + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
export function obj_val(o: usize, i: u32): usize {
  return <usize>load<u32>(coll_elems(o) + (<usize>i << 3), 4);
}

// @ts-ignore: decorator
@inline
export function set_elem(s: usize, i: u32): usize {
  return <usize>load<u32>(coll_elems(s) + (<usize>i << 2));
}
