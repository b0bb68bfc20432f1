/**
 * @module Evaluates a Wasm policy module through the official `@open-policy-agent/opa-wasm` SDK. Authz
 * layer. Exports `createEvaluator`, the factory both the inline engine and the policy worker use.
 */
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { SidecarError } from '../errors.js';
import type { PolicyEvaluator, RawDecision } from './engine.js';
import type { PolicyInput } from './input.js';

/** Structured-cloneable options (they cross into the worker thread). */
export interface WasmEvaluatorOptions {
  wasm: Uint8Array;
  data: unknown;
  allow: string;
  reason: string;
}

interface ResultSet {
  result?: unknown;
}

/** Load the module and return an evaluator for the configured entrypoints. */
export async function createEvaluator(
  options: WasmEvaluatorOptions,
): Promise<PolicyEvaluator & { entrypoints: string[] }> {
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  try {
    policy = await loadPolicy(options.wasm, { initial: 5, maximum: 1024 });
    policy.setData((options.data ?? {}) as object);
  } catch (err) {
    throw new SidecarError(
      'ERR_SIDECAR_POLICY_LOAD',
      `Wasm module does not load: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const entrypoints = Object.keys(policy.entrypoints as Record<string, number>);
  if (!entrypoints.includes(options.allow)) {
    throw new SidecarError(
      'ERR_SIDECAR_POLICY_LOAD',
      `policy has no entrypoint ${options.allow} (it has: ${entrypoints.join(', ') || 'none'})`,
    );
  }
  const allowId = (policy.entrypoints as Record<string, number>)[options.allow] as number;
  const reasonId = (policy.entrypoints as Record<string, number>)[options.reason];
  const first = (rs: unknown): unknown =>
    Array.isArray(rs) && rs.length > 0 ? (rs[0] as ResultSet).result : undefined;
  return {
    entrypoints,
    evaluate(input: PolicyInput): RawDecision {
      const allow = first(policy.evaluate(input, allowId));
      // The reason is only needed to explain a refusal; skipping it halves the cost of an allowed request.
      const reason =
        allow !== true && reasonId !== undefined ? first(policy.evaluate(input, reasonId)) : undefined;
      return { allow, reason };
    },
  };
}
