/**
 * @module Public API of the policy package: Rego front end, plan IR, evaluator, Wasm backend.
 * Re-exports only; each part adds its own exports here.
 */

export * from './builtins/index.js';
export {
  type CompiledPolicy,
  type CompileOptions,
  compileModules,
  formatRegoError,
  planEntrypoints,
  planQuery,
  type RegoError,
  type RegoErrorCode,
  type SourceFile,
} from './compile/index.js';
export * from './errors.js';
export * from './eval/index.js';
export { formatSource } from './format/index.js';
export * from './ir/ir.js';
export * from './test-runner/index.js';
export * from './value/index.js';

export {
  buildPolicyBundle,
  type CompilePlanResult,
  compilePlan,
  type LoadedBundle,
  type LoadOptions,
  loadPolicyBundle,
  loadPolicyModule,
  type PolicyModule,
  readBundle,
  signingKeyFrom,
  verificationKeyFrom,
  verifyBundle,
} from './wasm/index.js';
