// @module Palisade's lossless host-builtin boundary, an extension of OPA's ABI that other hosts can ignore.
// The SDK hands host builtins their arguments as JSON (sets become arrays, non-string keys strings, big
// numbers doubles) and loads results with opa_json_parse. A Palisade host instead reads each argument's
// address here and dumps it as Rego text, and may ask for its result text to be parsed as a Rego value.
// Runtime layer.

import {
  N_INT, T_ARRAY, T_BOOLEAN, T_NULL, T_NUMBER, T_OBJECT, T_STRING,
  arr_get, coll_len, num_get_int, num_repr, obj_key, obj_val, vtype,
} from './value';

// Arguments of the host call in progress (codegen records them just before each opa_builtinN call).
const HOST_ARGS: usize = memory.data(16);
let result_as_rego: bool = false;
let last_result: usize = 0;

let call_site: usize = 0;

/** Codegen: record a host call's arguments (0 for absent ones) and its `file:row` (a string value). */
export function rt_host_args(a0: usize, a1: usize, a2: usize, a3: usize, site: usize): void {
  call_site = site;
  store<u32>(HOST_ARGS, <u32>a0);
  store<u32>(HOST_ARGS, <u32>a1, 4);
  store<u32>(HOST_ARGS, <u32>a2, 8);
  store<u32>(HOST_ARGS, <u32>a3, 12);
}

/** Host: the address of argument `i` (0-based) of the host call in progress; 0 when there is none. */
export function palisade_host_arg(i: u32): usize {
  return i < 4 ? <usize>load<u32>(HOST_ARGS + (<usize>i << 2)) : 0;
}

/** Host: `file:row` of the host call in progress (a string value), for its error messages. */
export function palisade_host_call_site(): usize {
  return call_site;
}

/** Host: the next opa_json_parse (the SDK loading a builtin's result) reads Rego value text. */
export function palisade_host_result_rego(): void {
  result_as_rego = true;
}

/** opa_json_parse: whether this parse is a host result in Rego text (the request is used up). */
export function take_result_as_rego(): bool {
  const r = result_as_rego;
  result_as_rego = false;
  return r;
}

/** The evaluation: remember its result set (valid until the host resets the heap). */
export function set_last_result(rs: usize): void {
  last_result = rs;
}

/** Host: the result set of the latest evaluation, for a lossless opa_value_dump after the SDK's JSON. */
export function palisade_eval_result(): usize {
  return last_result;
}

/**
 * Host: 1 when the SDK's JSON reading of `v` is already exact (no sets, only string keys, integers within
 * ±2^53, no decimals), so the host can take the SDK's argument instead of dumping `v` again.
 */
export function palisade_json_exact(v: usize): i32 {
  const t = vtype(v);
  if (t == T_NULL || t == T_BOOLEAN || t == T_STRING) return 1;
  if (t == T_NUMBER) {
    if (num_repr(v) != N_INT) return 0;
    const i = num_get_int(v);
    return i <= MAX_SAFE && i >= -MAX_SAFE ? 1 : 0;
  }
  const n = coll_len(v);
  if (t == T_ARRAY) {
    for (let i: u32 = 0; i < n; i++) if (!palisade_json_exact(arr_get(v, i))) return 0;
    return 1;
  }
  if (t == T_OBJECT) {
    for (let i: u32 = 0; i < n; i++) {
      if (vtype(obj_key(v, i)) != T_STRING || !palisade_json_exact(obj_val(v, i))) return 0;
    }
    return 1;
  }
  return 0;
}

const MAX_SAFE: i64 = 9007199254740991;
