/**
 * @module OPA's Wasm ABI names, written down once: what `@open-policy-agent/opa-wasm` and other OPA hosts
 * import and export (see docs/policy-abi.md). Codegen and the loader use only these constants.
 */

/** Exports every policy module carries (ABI 1.0–1.2), in the order docs/policy-abi.md lists them. */
export const ABI_EXPORTS = [
  'eval',
  'builtins',
  'entrypoints',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'opa_malloc',
  'opa_free',
  'opa_json_parse',
  'opa_value_parse',
  'opa_json_dump',
  'opa_value_dump',
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
  'opa_value_add_path',
  'opa_value_remove_path',
  'opa_value_free',
  'opa_eval',
] as const;

export type AbiExport = (typeof ABI_EXPORTS)[number];

/** The ABI version globals (exported immutable i32). */
export const ABI_VERSION_GLOBAL = 'opa_wasm_abi_version';
export const ABI_MINOR_VERSION_GLOBAL = 'opa_wasm_abi_minor_version';
export const ABI_VERSION = 1;
/** 1.2: `opa_eval` one-shot path. (1.3's heap stash calls are unnecessary with a resettable bump heap.) */
export const ABI_MINOR_VERSION = 2;

/** The imported and re-exported linear memory. */
export const MEMORY_MODULE = 'env';
export const MEMORY_NAME = 'memory';

/** Host imports. `opa_builtinN(id, ctx, arg1…argN) -> value` calls a host builtin; 0 means undefined. */
export const IMPORT_ABORT = 'opa_abort';
export const HOST_BUILTIN_IMPORTS = [
  'opa_builtin0',
  'opa_builtin1',
  'opa_builtin2',
  'opa_builtin3',
  'opa_builtin4',
] as const;
export const MAX_HOST_BUILTIN_ARITY = HOST_BUILTIN_IMPORTS.length - 1;

/** `opa_eval`'s format argument. */
export const EVAL_FORMAT_JSON = 0;
export const EVAL_FORMAT_VALUE = 1;

/**
 * Palisade's one extra export: a mutable i32 global; 1 = strict builtin errors (a builtin error aborts the
 * evaluation instead of making the call undefined). Other hosts never touch it and get OPA's default.
 */
export const STRICT_GLOBAL = 'palisade_strict_builtin_errors';

/**
 * Palisade's lossless host-builtin boundary (policy/runtime/assembly/host-boundary.ts). The SDK passes
 * builtin arguments and results as JSON, which turns sets into arrays, non-string keys into strings and big
 * numbers into doubles; Palisade's loader reads arguments and the result set with `opa_value_dump` instead
 * and returns builtin results as Rego text. Other hosts never call these and see OPA's behaviour.
 */
/** `(i) -> value`: argument `i` of the host builtin call in progress (0 when absent). */
export const HOST_ARG_EXPORT = 'palisade_host_arg';
/** `() -> value`: `file:row` of the host builtin call in progress (a string), for error messages. */
export const HOST_CALL_SITE_EXPORT = 'palisade_host_call_site';
/** `()`: the SDK's next `opa_json_parse` (of a builtin's result) reads Rego value text. */
export const HOST_RESULT_REGO_EXPORT = 'palisade_host_result_rego';
/** `(value) -> 0|1`: 1 when the SDK's JSON reading of the value is exact (then the host need not dump it). */
export const JSON_EXACT_EXPORT = 'palisade_json_exact';
/** `() -> value`: the result set of the latest evaluation (until the heap is reset). */
export const EVAL_RESULT_EXPORT = 'palisade_eval_result';
export const PALISADE_HOST_EXPORTS = [
  HOST_ARG_EXPORT,
  HOST_CALL_SITE_EXPORT,
  HOST_RESULT_REGO_EXPORT,
  JSON_EXACT_EXPORT,
  EVAL_RESULT_EXPORT,
] as const;
