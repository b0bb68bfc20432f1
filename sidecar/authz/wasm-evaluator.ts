/**
 * @module Evaluates a Wasm policy module (Palisade- or OPA-built) through the official
 * `@open-policy-agent/opa-wasm` SDK with Palisade's host builtins (policy/wasm's loader). Authz layer.
 * Exports `createEvaluator`, the factory both the inline engine and the policy worker use.
 *
 * One evaluation per request when the module has the generated decision entrypoint
 * (`palisade_sidecar/decision`, see sidecar/quota/decision.ts): allow, reason and limits come back
 * together. Otherwise the allow entrypoint, then the reason only for refusals, and the quota entrypoint
 * only for allowed requests.
 */
import { loadPolicyModule, type PolicyModule } from '../../policy/wasm/loader.js';
import { SidecarError } from '../errors.js';
import { DECISION_ENTRYPOINT, splitDecision } from '../quota/decision.js';
import type { PolicyEvaluator, RawDecision } from './engine.js';
import type { PolicyInput } from './input.js';

/** Structured-cloneable options (they cross into the worker thread). */
export interface WasmEvaluatorOptions {
  wasm: Uint8Array;
  data: unknown;
  allow: string;
  reason: string;
  /** The quota entrypoint, when the sidecar enforces quota. */
  quota?: string;
}

interface ResultSet {
  result?: unknown;
}

/** The evaluator plus how it evaluates (for logs and `/config`). */
export type WasmEvaluator = PolicyEvaluator & { entrypoints: string[]; mode: 'decision' | 'entrypoints' };

/** Load the module and return an evaluator for the configured entrypoints. */
export async function createEvaluator(options: WasmEvaluatorOptions): Promise<WasmEvaluator> {
  let policy: PolicyModule;
  try {
    policy = await loadPolicyModule(options.wasm, { memory: { initial: 5, maximum: 1024 } });
    policy.setData(options.data ?? {});
  } catch (err) {
    throw new SidecarError(
      'ERR_SIDECAR_POLICY_LOAD',
      `Wasm module does not load: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const ids = policy.entrypoints;
  const entrypoints = Object.keys(ids);
  const need = (name: string): number => {
    const id = ids[name];
    if (id === undefined) {
      throw new SidecarError(
        'ERR_SIDECAR_POLICY_LOAD',
        `policy has no entrypoint ${name} (it has: ${entrypoints.join(', ') || 'none'})`,
      );
    }
    return id;
  };
  const first = (rs: unknown): unknown =>
    Array.isArray(rs) && rs.length > 0 ? (rs[0] as ResultSet).result : undefined;

  const decisionId = ids[DECISION_ENTRYPOINT];
  if (decisionId !== undefined) {
    return {
      entrypoints,
      mode: 'decision',
      evaluate(input: PolicyInput): RawDecision {
        // An empty result set (the decision object itself undefined) has no part defined.
        const value = first(policy.evaluate(input, decisionId)) ?? {};
        const parts = splitDecision(value);
        return options.quota === undefined ? { allow: parts.allow, reason: parts.reason } : parts;
      },
    };
  }

  const allowId = need(options.allow);
  const reasonId = ids[options.reason];
  const quotaId = options.quota === undefined ? undefined : need(options.quota);
  return {
    entrypoints,
    mode: 'entrypoints',
    evaluate(input: PolicyInput): RawDecision {
      const allow = first(policy.evaluate(input, allowId));
      // The reason is only needed to explain a refusal; skipping it halves the cost of an allowed request.
      const reason =
        allow !== true && reasonId !== undefined ? first(policy.evaluate(input, reasonId)) : undefined;
      if (quotaId === undefined) return { allow, reason };
      // Limits only matter for a request authorization lets through.
      return { allow, reason, limits: allow === true ? first(policy.evaluate(input, quotaId)) : undefined };
    },
  };
}
