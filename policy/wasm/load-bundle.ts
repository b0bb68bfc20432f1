/**
 * @module Load a policy bundle for serving: verify its signature when a key is configured (fail closed on an
 * unsigned or tampered bundle), instantiate its module with the bundle's data, and try sample inputs before
 * handing it out, so a bad bundle is rejected before it replaces a good one. Wasm layer.
 */
import { PolicyError } from '../errors.js';
import { type Bundle, readBundle, verifyBundle } from './bundle.js';
import type { Manifest } from './bundle-format.js';
import type { SigningKey } from './bundle-sign.js';
import { type LoadOptions, loadPolicyModule, type PolicyModule } from './loader.js';

export interface LoadBundleOptions extends LoadOptions {
  /** When set, the bundle must carry a valid signature by this key. */
  readonly verificationKey?: SigningKey;
  /** Inputs evaluated once at load (against every entrypoint); any that throws rejects the bundle. */
  readonly sampleInputs?: readonly unknown[];
}

export interface LoadedBundle {
  readonly module: PolicyModule;
  readonly manifest: Manifest;
  readonly revision: string;
  readonly verified: boolean;
}

/** From archive bytes (gzipped tar) to a ready module. */
export async function loadPolicyBundle(
  archive: Uint8Array,
  options: LoadBundleOptions = {},
): Promise<LoadedBundle> {
  const bundle: Bundle = await readBundle(archive);
  if (options.verificationKey) await verifyBundle(bundle, options.verificationKey);
  if (!bundle.wasm) {
    throw new PolicyError(
      'ERR_POLICY_BUNDLE_INVALID',
      'bundle has no Wasm module (/policy.wasm or manifest wasm entry)',
    );
  }
  const module = await loadPolicyModule(bundle.wasm, options);
  module.setData(bundle.data);
  for (const [i, input] of (options.sampleInputs ?? []).entries()) {
    for (const ep of Object.keys(module.entrypoints)) {
      try {
        module.evaluate(input, ep);
      } catch (err) {
        throw new PolicyError(
          'ERR_POLICY_BUNDLE_REJECTED',
          `bundle rejected: sample input ${i} fails on ${ep}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
  }
  return {
    module,
    manifest: bundle.manifest,
    revision: bundle.manifest.revision ?? '',
    verified: options.verificationKey !== undefined,
  };
}
