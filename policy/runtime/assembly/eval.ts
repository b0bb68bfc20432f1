// @module Evaluation entry points: the ABI 1.2 opa_eval fast path, the ABI 1.0 context path, the result
// set, and the ABI version globals. Runtime layer; codegen supplies `plan_dispatch`.
import { opa_abort_msg } from './abort';
import { set_add } from './collections';
import { set_last_result } from './host-boundary';
import { heap_top, malloc, opa_heap_ptr_set } from './heap';
import { dump, opa_value_parse } from './json-text';
import { memo_reset } from './memo';
import { rt_set } from './value';

// Replaced by codegen with the policy's entrypoint switch: evaluate plan `ep` and fill the result set.
// @ts-ignore: decorator
@external('palisade', 'plan_dispatch')
declare function plan_dispatch(ep: i32, input: usize, data: usize): void;

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 2;

let result_set: usize = 0;

/** ResultSetAddStmt. */
export function rt_result_add(v: usize): void {
  set_add(result_set, v);
}

function run(ep: i32, input: usize, data: usize): usize {
  result_set = rt_set();
  memo_reset();
  plan_dispatch(ep, input, data);
  set_last_result(result_set);
  return result_set;
}

/** One-shot evaluation (ABI 1.2): input text at [input_ptr, +len), heap reset to heap_ptr first. */
export function opa_eval(
  _reserved: usize, ep: i32, data: usize, input_ptr: usize, input_len: usize, heap_ptr: usize, format: i32,
): usize {
  opa_heap_ptr_set(heap_ptr);
  let input: usize = 0;
  if (input_len > 0) {
    input = opa_value_parse(input_ptr, input_len);
    if (input == 0) opa_abort_msg('opa_eval: failed to parse input');
  }
  const rs = run(ep, input, data);
  return dump(rs, format == 1);
}

// --- ABI 1.0 context path: ctx = [input, data, result, entrypoint] ---

export function opa_eval_ctx_new(): usize {
  const c = malloc(16);
  memory.fill(c, 0, 16);
  return c;
}

export function opa_eval_ctx_set_input(ctx: usize, v: usize): void {
  store<u32>(ctx, <u32>v);
}

export function opa_eval_ctx_set_data(ctx: usize, v: usize): void {
  store<u32>(ctx, <u32>v, 4);
}

export function opa_eval_ctx_set_entrypoint(ctx: usize, ep: i32): void {
  store<i32>(ctx, ep, 12);
}

export function opa_eval_ctx_get_result(ctx: usize): usize {
  return <usize>load<u32>(ctx, 8);
}

export function eval(ctx: usize): i32 {
  const rs = run(load<i32>(ctx, 12), <usize>load<u32>(ctx), <usize>load<u32>(ctx, 4));
  store<u32>(ctx, <u32>rs, 8);
  return 0;
}

/** Keeps heap_top exported to codegen's linker (it rewrites the initialiser). */
export function rt_heap_top_init(): usize {
  return heap_top;
}
