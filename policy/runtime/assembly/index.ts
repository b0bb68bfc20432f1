// @module Entry of the Palisade policy runtime: the OPA Wasm ABI exports and the `rt_*`/`bi_*` helpers
// codegen links against (it removes those helper exports from the final policy module). Runtime layer.
export { opa_malloc, opa_free, opa_heap_ptr_get, opa_heap_ptr_set } from './heap';
export { opa_json_parse, opa_value_parse, opa_json_dump, opa_value_dump } from './json-text';
export {
  opa_wasm_abi_version, opa_wasm_abi_minor_version, opa_eval, opa_eval_ctx_new, opa_eval_ctx_set_input,
  opa_eval_ctx_set_data, opa_eval_ctx_set_entrypoint, opa_eval_ctx_get_result, eval, rt_result_add,
  rt_heap_top_init,
} from './eval';
export { opa_value_add_path, opa_value_remove_path, opa_value_free } from './paths';
export { rt_abort } from './abort';
export {
  rt_host_args, palisade_host_arg, palisade_host_call_site, palisade_host_result_rego, palisade_eval_result,
  palisade_json_exact,
} from './host-boundary';
export { rt_null, rt_boolean, rt_number_int, rt_array, rt_object, rt_set, arr_append as rt_arr_append } from './value';
export { rt_equal, rt_compare } from './compare';
export {
  value_get as rt_value_get, obj_insert as rt_obj_insert, set_add as rt_set_add,
  iter_len as rt_iter_len, iter_key as rt_iter_key, iter_val as rt_iter_val,
} from './collections';
export { rt_obj_insert_once, rt_obj_merge, rt_upsert, rt_len, rt_to_set } from './ops';
export { rt_memo_get, rt_memo_set, rt_memo_push, rt_memo_pop } from './memo';
export * from './builtins-compare';
export * from './builtins-arith';
export * from './builtins-aggregates';
export * from './builtins-types';
export * from './builtins-strings';
export * from './builtins-glob';
export * from './builtins-net';
export * from './builtins-collections';
export * from './builtins-text';
export { bi_type_name, strict_builtin_errors as palisade_strict_builtin_errors } from './types';
export { heap_top as rt_heap_top } from './heap';
export { memo_slots as rt_memo_slots } from './memo';
