/**
 * @module Public API of the Wasm backend: compile plans to OPA-ABI modules, load and evaluate them through
 * the official SDK, and build, sign and verify OPA bundles. Re-exports only.
 */

export {
  type BuildOptions,
  type BuildResult,
  buildPolicyBundle,
  normaliseEntrypoint,
} from './build-policy.js';
export {
  type Bundle,
  type BundleInput,
  buildBundle,
  bundleFiles,
  packBundle,
  readBundle,
  readBundleFile,
  verifyBundle,
} from './bundle.js';
export { canonicalJson, fileHash, type Manifest, type SignaturePayload } from './bundle-format.js';
export {
  type SigningKey,
  signFiles,
  signingKeyFrom,
  verificationKeyFrom,
  verifyFiles,
} from './bundle-sign.js';
export { type CompilePlanResult, compilePlan, parsePlan } from './compile-plan.js';
export {
  type HostBuiltin,
  HostBuiltinScope,
  type HostBuiltinSource,
  registryHostBuiltins,
} from './host-builtins.js';
export { type LoadedBundle, loadPolicyBundle } from './load-bundle.js';
export { type LoadOptions, loadPolicyModule, type PolicyModule } from './loader.js';
