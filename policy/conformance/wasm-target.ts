/**
 * @module The Wasm target for the conformance runner: compile a plan with policy/wasm and evaluate it in
 * OPA's Wasm ABI, loaded lazily (that backend lands after the evaluator). Conformance layer.
 */
import type { Policy } from '../ir/ir.js';

interface WasmBackend {
  compilePlan(policy: Policy): { wasm: Uint8Array } | Promise<{ wasm: Uint8Array }>;
  loadPolicyModule(
    wasm: Uint8Array,
    opts: object,
  ): Promise<{
    setData(d: unknown): unknown;
    evaluate(input: unknown, entrypoint?: string | number): unknown;
  }>;
}

let loaded: Promise<WasmBackend | string> | undefined;

function loadBackend(): Promise<WasmBackend | string> {
  loaded ??= (async () => {
    const spec = '../wasm/index.js';
    try {
      const mod = (await import(spec)) as Partial<WasmBackend>;
      if (typeof mod.compilePlan !== 'function' || typeof mod.loadPolicyModule !== 'function') {
        return 'policy/wasm does not export compilePlan and loadPolicyModule yet';
      }
      return mod as WasmBackend;
    } catch (err) {
      return `policy/wasm is not available: ${(err as Error).message.split('\n')[0]}`;
    }
  })();
  return loaded;
}

/** Compile `policy` to Wasm, load it, set data, evaluate; returns the result set as plain JS values. */
export async function wasmEvaluate(policy: Policy, data: unknown, input: unknown): Promise<unknown[]> {
  const backend = await loadBackend();
  if (typeof backend === 'string') throw Object.assign(new Error(backend), { regoCode: 'wasm_unavailable' });
  const { wasm } = await backend.compilePlan(policy);
  const mod = await backend.loadPolicyModule(wasm, {});
  await mod.setData(data);
  const entry = policy.plans?.plans?.[0]?.name;
  const rs = await mod.evaluate(input, entry);
  return Array.isArray(rs) ? rs : [];
}
