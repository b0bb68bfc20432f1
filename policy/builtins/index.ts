/**
 * @module Public API of the builtin registry: every Rego builtin Palisade implements, with OPA's type
 * declarations. Re-exports only.
 */
export { BuiltinError, type BuiltinErrorKind } from './builtin-error.js';
export {
  type BuiltinContext,
  type BuiltinContextOptions,
  createBuiltinContext,
  type HttpRequestSpec,
  type HttpResponseSpec,
  type HttpTransport,
  type NetworkPolicy,
} from './context.js';
export type { DeclType } from './decl-types.js';
export type { BuiltinImpl } from './impl-types.js';
export { allBuiltins, type BuiltinDef, builtinDecl, lookupBuiltin } from './registry.js';
