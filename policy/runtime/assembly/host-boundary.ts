// @module Palisade's lossless host-builtin boundary, an extension of OPA's ABI that other hosts can ignore.
// The SDK hands host builtins their arguments as JSON (sets become arrays, non-string keys strings, big
// numbers doubles) and loads results with opa_json_parse. A Palisade host instead reads each argument's
// address here and dumps it as Rego text, and may ask for its result text to be parsed as a Rego value.
// Runtime layer.

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
