/**
 * @module The seam between the proxy and whatever evaluates policy. Authz layer: the proxy only knows
 * `PolicyEngine`; the real implementation runs the Wasm module (wasm-evaluator.ts), inline or in a worker.
 */
import type { PolicyInput } from './input.js';

/** What the policy's entrypoints returned, uninterpreted (authorize.ts decides what counts as allow). */
export interface RawDecision {
  /** Value of the allow entrypoint; `undefined` when the rule is undefined for this input. */
  readonly allow: unknown;
  /** Value of the reason entrypoint, if the policy has one. */
  readonly reason: unknown;
  /**
   * Value of the quota entrypoint when quota is configured (`undefined` when the rule is undefined, which
   * the quota stage treats as a broken policy); absent otherwise.
   */
  readonly limits?: unknown;
}

/** Evaluates one input. May answer synchronously (inline) or asynchronously (worker); may throw/reject. */
export interface PolicyEvaluator {
  evaluate(input: PolicyInput): RawDecision | Promise<RawDecision>;
}

/** A loaded, evaluable policy and where it came from. */
export interface LoadedPolicy extends PolicyEvaluator {
  /** Bundle revision (manifest revision, else a content hash). */
  readonly revision: string;
  /** Entrypoints the module exports. */
  readonly entrypoints: readonly string[];
  /**
   * Set when evaluation runs inline and so cannot be interrupted: an answer that took longer than this is
   * refused (a denial, as a worker's timeout is). A worker evaluator enforces its own deadline.
   */
  readonly deadlineMicros?: number;
  close(): Promise<void>;
}

/** Where the proxy gets its current policy from. `current` is undefined until one has loaded. */
export interface PolicyEngine {
  readonly current: LoadedPolicy | undefined;
  /** Name of the allow entrypoint, for denial messages. */
  readonly allowEntrypoint: string;
}

/** An engine around a fixed evaluator (tests, embedding). */
export function staticEngine(
  evaluator: PolicyEvaluator | undefined,
  revision = 'static',
  allowEntrypoint = 'palisade/authz/allow',
): PolicyEngine {
  const current: LoadedPolicy | undefined =
    evaluator === undefined
      ? undefined
      : {
          revision,
          entrypoints: [allowEntrypoint],
          evaluate: (input) => evaluator.evaluate(input),
          close: async () => undefined,
        };
  return { current, allowEntrypoint };
}
