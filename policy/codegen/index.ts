/**
 * @module Public API of the Wasm code generator: plan IR → OPA-ABI module. Codegen layer.
 */
export * from './abi.js';
export { type CompiledPolicy, type CompileOptions, compileToWasm } from './compile.js';
