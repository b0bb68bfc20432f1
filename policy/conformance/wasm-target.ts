/**
 * @module The Wasm target for the conformance runner: compile a plan with policy/wasm and evaluate it in
 * OPA's Wasm ABI, loaded lazily (that backend lands after the evaluator). Conformance layer.
 */
import type { Policy } from '../ir/ir.js';
import type { Value } from '../value/index.js';

interface WasmBackend {
  compilePlan(policy: Policy): { wasm: Uint8Array } | Promise<{ wasm: Uint8Array }>;
  loadPolicyModule(
    wasm: Uint8Array,
    opts: object,
  ): Promise<{
    setData(d: unknown): unknown;
    evaluate(input: unknown, entrypoint?: string | number): unknown;
    /** Input as JSON or Rego literal text parsed by the module itself, the result set as exact values. */
    evaluateExact(input: string | undefined, entrypoint?: string | number): Value[];
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

/**
 * Compile `policy` to Wasm, load it (non-strict: Wasm hosts have no strict builtin errors; network builtins
 * allowed, as OPA's harness has them), set data, evaluate; returns the result set as exact values.
 * `inputText` is JSON or a Rego literal, given to the module as text so no number loses digits on the way
 * in, and the result set is read back the same way.
 */
export async function wasmEvaluate(
  policy: Policy,
  data: unknown,
  inputText: string | undefined,
  strict: boolean,
): Promise<Value[]> {
  const backend = await loadBackend();
  if (typeof backend === 'string') throw Object.assign(new Error(backend), { regoCode: 'wasm_unavailable' });
  try {
    const { wasm } = await backend.compilePlan(policy);
    const mod = await backend.loadPolicyModule(wasm, { strict, network: 'allow' });
    await mod.setData(data);
    return mod.evaluateExact(inputText, policy.plans?.plans?.[0]?.name);
  } catch (err) {
    // The runtime's own message (`var assignment conflict`, …) is often in the cause chain.
    throw Object.assign(new Error(causeChain(err)), { regoCode: 'wasm_error', cause: err });
  }
}

function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, i = 0; e !== undefined && i < 5; i++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}
