/**
 * @module Load a policy module (Palisade- or OPA-built) through the official @open-policy-agent/opa-wasm
 * SDK with Palisade's host builtins, and evaluate it with a clear error type. Wasm layer.
 */
import { loadPolicy } from '@open-policy-agent/opa-wasm';
// the on-demand loader, not the full registry: see host-builtins.ts
import { loadBuiltinDefs } from '../builtins/family-loader.js';
import type { BuiltinContextOptions } from '../builtins/index.js';
// abi.ts only: the codegen index would load binaryen, which a loader never needs
import { STRICT_GLOBAL } from '../codegen/abi.js';
import { PolicyError } from '../errors.js';
import { fromJS, type Value } from '../value/index.js';
import {
  type HostBuiltin,
  HostBuiltinScope,
  type HostBuiltinSource,
  registryHostBuiltins,
} from './host-builtins.js';
import { takeSdkBuiltins } from './sdk-builtins.js';
import { ValueBridge } from './value-bridge.js';

export interface LoadOptions {
  /** Host builtins; default: Palisade's builtin registry. */
  readonly builtins?: HostBuiltinSource;
  /** Strict builtin errors (builtin errors fail the evaluation instead of being undefined). */
  readonly strict?: boolean;
  /** Clock for time builtins (nanoseconds since the epoch); tests inject one. */
  readonly clock?: () => bigint;
  /** Network builtins (`net.lookup_ip_addr`, `http.send`): refused unless 'allow' (default 'deny'). */
  readonly network?: BuiltinContextOptions['network'];
  /** Initial and maximum memory in 64 KiB pages (default: 5 initial, no maximum). */
  readonly memory?: { readonly initial?: number; readonly maximum?: number };
}

/** A loaded policy: set data once, evaluate many times (memory is reset by each evaluation). */
export interface PolicyModule {
  setData(data: unknown): void;
  /** The result set, e.g. `[{"result": true}]`; an entrypoint by name or id (default 0). */
  evaluate(input: unknown, entrypoint?: string | number): unknown;
  /**
   * Evaluate with the input given as text: JSON, or a Rego value literal (sets, non-string keys), which the
   * module parses itself (`opa_eval` uses opa_value_parse) — no JSON round trip through JavaScript.
   */
  evaluateText(input: string, entrypoint?: string | number): unknown;
  /**
   * As `evaluateText` (undefined input: none), returning the result set as exact values: sets, non-string
   * keys and numbers beyond a double survive (the SDK's own result is JSON read by `JSON.parse`). Modules
   * built elsewhere lack Palisade's boundary exports and give the SDK's JSON reading.
   */
  evaluateExact(input: string | undefined, entrypoint?: string | number): Value[];
  readonly entrypoints: Record<string, number>;
  /** Current size of the module's linear memory in bytes (flat in steady state: each evaluation resets the heap). */
  memoryBytes(): number;
  /** Builtins the module calls on the host. */
  readonly hostBuiltins: readonly string[];
}

interface SdkPolicy {
  setData(data: unknown): void;
  evaluate(input: unknown, entrypoint?: string | number): unknown;
  entrypoints: Record<string, number>;
  wasmInstance: { exports: Record<string, unknown> };
  mem: { buffer: ArrayBuffer };
}

function sdkError(
  code: 'ERR_POLICY_WASM_LOAD' | 'ERR_POLICY_WASM_EVAL',
  what: string,
  err: unknown,
): PolicyError {
  // The SDK throws plain strings (opa_abort messages) and objects with a message.
  const message =
    typeof err === 'string'
      ? err
      : err instanceof Error
        ? err.message
        : String((err as { message?: unknown })?.message ?? err);
  return new PolicyError(code, `${what}: ${message}`, { cause: err });
}

/** Read the module's `builtins` export (what it needs from the host). */
function moduleHostBuiltins(p: SdkPolicy): string[] {
  const exports = p.wasmInstance.exports as Record<string, (...a: number[]) => number>;
  const addr = exports.opa_json_dump!(exports.builtins!());
  const bytes = new Uint8Array(p.mem.buffer);
  let end = addr;
  while (bytes[end] !== 0) end++;
  return Object.keys(JSON.parse(new TextDecoder().decode(bytes.subarray(addr, end))) as object);
}

/**
 * Instantiate `wasm` through the SDK. Fails at load (ERR_POLICY_WASM_BUILTIN) when the module needs a host
 * builtin that neither the SDK nor the configured builtins provide, instead of at the first evaluation.
 */
export async function loadPolicyModule(wasm: Uint8Array, options: LoadOptions = {}): Promise<PolicyModule> {
  const scope = new HostBuiltinScope({
    strict: options.strict,
    clock: options.clock,
    network: options.network,
  });
  // Set once the module has named its host builtins (below): only their families are loaded. The SDK looks
  // builtins up when the module calls them, never while instantiating it.
  let source = options.builtins;
  // Palisade's builtins first, the SDK's own JavaScript ones only for names Palisade lacks
  const sdkOwn = takeSdkBuiltins();
  const lookup = (name: string): HostBuiltin | undefined => source?.lookup(name) ?? sdkOwn.get(name);
  const custom = new Proxy({} as Record<string, HostBuiltin>, {
    get: (_t, name) => (typeof name === 'string' ? lookup(name) : undefined),
  });
  let policy: SdkPolicy;
  try {
    policy = (await loadPolicy(
      wasm,
      { initial: options.memory?.initial ?? 5, maximum: options.memory?.maximum },
      custom,
    )) as unknown as SdkPolicy;
  } catch (err) {
    throw sdkError('ERR_POLICY_WASM_LOAD', 'cannot load the policy module', err);
  }
  const strictGlobal = policy.wasmInstance.exports[STRICT_GLOBAL] as { value: number } | undefined;
  if (strictGlobal) strictGlobal.value = options.strict ? 1 : 0;
  const hostBuiltins = moduleHostBuiltins(policy);
  source ??= registryHostBuiltins(scope, await loadBuiltinDefs(hostBuiltins));
  const missing = hostBuiltins.filter((n) => lookup(n) === undefined);
  if (missing.length > 0) {
    throw new PolicyError(
      'ERR_POLICY_WASM_BUILTIN',
      `the policy module needs host builtins that are not available: ${missing.join(', ')}`,
    );
  }
  if (hostBuiltins.includes('rego.parse_module')) {
    scope.parseModule = (await import('../compile/rego-parse-module.js')).regoParseModule();
  }
  const bridge = ValueBridge.of(policy.wasmInstance.exports, policy.mem);
  scope.bridge = bridge;
  const evaluateText = (input: string, entrypoint: string | number): unknown => {
    scope.reset();
    // The SDK copies an ArrayBuffer input verbatim (no JSON.stringify) before calling opa_eval.
    const bytes = new TextEncoder().encode(input);
    try {
      return policy.evaluate(bytes.length > 0 ? bytes.buffer : undefined, entrypoint);
    } catch (err) {
      throw sdkError('ERR_POLICY_WASM_EVAL', `evaluation of entrypoint ${String(entrypoint)} failed`, err);
    }
  };
  return {
    entrypoints: policy.entrypoints,
    hostBuiltins,
    memoryBytes: () => policy.mem.buffer.byteLength,
    setData(data) {
      try {
        policy.setData(data);
      } catch (err) {
        throw sdkError('ERR_POLICY_WASM_EVAL', 'cannot set the policy data', err);
      }
    },
    evaluate(input, entrypoint = 0) {
      scope.reset();
      try {
        return policy.evaluate(input, entrypoint);
      } catch (err) {
        throw sdkError('ERR_POLICY_WASM_EVAL', `evaluation of entrypoint ${String(entrypoint)} failed`, err);
      }
    },
    evaluateText: (input, entrypoint = 0) => evaluateText(input, entrypoint),
    evaluateExact(input, entrypoint = 0) {
      const rs = evaluateText(input ?? '', entrypoint);
      if (bridge) return bridge.evalResult();
      return Array.isArray(rs) ? rs.map((r) => fromJS(r)) : [];
    },
  };
}
