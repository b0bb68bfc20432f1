/**
 * @module Test kit: Rego source → plan (Palisade's front end) → Wasm module loaded through the SDK.
 */
import { compileModules, planEntrypoints } from '../../../policy/compile/index.js';
import type { Policy } from '../../../policy/ir/ir.js';
import {
  compilePlan,
  type LoadOptions,
  loadPolicyModule,
  type PolicyModule,
} from '../../../policy/wasm/index.js';

/** Plan `entrypoints` of the given modules (throws with the Rego errors if they do not compile). */
export function planRego(modules: Record<string, string>, entrypoints: string[]): Policy {
  const r = compileModules(Object.entries(modules).map(([path, text]) => ({ path, text })));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return planEntrypoints(r.compiled, entrypoints);
}

/** Compile Rego to a loaded module. */
export async function regoModule(
  modules: Record<string, string>,
  entrypoints: string[],
  options: LoadOptions = {},
): Promise<PolicyModule> {
  const { wasm } = await compilePlan(planRego(modules, entrypoints));
  return loadPolicyModule(wasm, options);
}
