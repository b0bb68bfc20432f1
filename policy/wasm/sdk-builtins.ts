/**
 * @module The SDK's own JavaScript builtins (`sprintf`, `json.is_valid`, `regex.split`, `yaml.*`), moved
 * behind Palisade's. The SDK dispatches a host call to its own table first and to the custom builtins only
 * for names it lacks, so its `sprintf` (JavaScript formatting, doubles) and `yaml.*` would shadow the
 * registry's Go-compatible implementations and results would differ from OPA's. Emptying that table makes
 * every call reach the loader's lookup, which tries Palisade's builtins first and these as a fallback.
 * Wasm layer.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PolicyError } from '../errors.js';
import type { HostBuiltin } from './host-builtins.js';

let taken: ReadonlyMap<string, HostBuiltin> | undefined;

/**
 * The SDK's builtins, taken out of its dispatch table on first use. The table is the module object of the
 * SDK's `src/builtins/index.js` (required by absolute path: the package's `exports` hide it), which is the
 * same instance its `opa.js` dispatches through; @open-policy-agent/opa-wasm is pinned, and a test checks
 * that Palisade's `sprintf` wins.
 */
export function takeSdkBuiltins(): ReadonlyMap<string, HostBuiltin> {
  if (taken) return taken;
  const require = createRequire(import.meta.url);
  let table: Record<string, HostBuiltin>;
  try {
    const main = require.resolve('@open-policy-agent/opa-wasm');
    table = require(join(dirname(main), 'builtins', 'index.js')) as Record<string, HostBuiltin>;
  } catch (err) {
    throw new PolicyError(
      'ERR_POLICY_WASM_LOAD',
      `cannot find the builtin table of @open-policy-agent/opa-wasm (src/builtins/index.js): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const own = new Map<string, HostBuiltin>();
  for (const name of Object.keys(table)) {
    if (typeof table[name] === 'function') own.set(name, table[name]);
    delete table[name];
  }
  taken = own;
  return own;
}
