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
