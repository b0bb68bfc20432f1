/**
 * @module Turns a policy evaluation into a typed verdict: a Permit, or an UnauthorizedError naming the
 * reason. Authz layer. Fails closed: no policy, an error, a timeout, or anything but `true` is a denial.
 */
import { SidecarError, UnauthorizedError } from '../errors.js';
import type { LoadedPolicy, PolicyEngine, RawDecision } from './engine.js';
import type { PolicyInput } from './input.js';

/** An allowed request: what logs, metrics and audit need to say why. */
export interface Permit {
  readonly allowed: true;
  readonly reason: string;
  readonly revision: string;
  /** The quota entrypoint's raw value (validated by the quota stage), when quota is configured. */
  readonly limits: unknown;
}

/** The verdict plus what is needed to account for it. */
export type Verdict = Permit | UnauthorizedError;

/** Extra fields every verdict carries for audit. */
export interface VerdictInfo {
  revision: string;
  /** `error` when the denial came from a failure rather than the policy's answer. */
  outcome: 'allow' | 'deny' | 'error';
  evalMicros: number;
}

/**
 * Evaluate `input` with the engine's current policy. Resolves synchronously when the evaluator is inline
 * (the callback runs before this returns), so the hot path allocates no promise.
 */
export function authorize(
  engine: PolicyEngine,
  input: PolicyInput,
  done: (verdict: Verdict, info: VerdictInfo) => void,
): void {
  const policy = engine.current;
  if (policy === undefined) {
    done(new UnauthorizedError('no policy loaded', 'no policy bundle has loaded yet'), {
      revision: '',
      outcome: 'error',
      evalMicros: 0,
    });
    return;
  }
  const started = process.hrtime.bigint();
  let result: RawDecision | Promise<RawDecision>;
  try {
    result = policy.evaluate(input);
  } catch (err) {
    done(failure(err), { revision: policy.revision, outcome: 'error', evalMicros: micros(started) });
    return;
  }
  if (result instanceof Promise) {
    result.then(
      (raw) => finish(engine, raw, policy.revision, micros(started), done),
      (err: unknown) =>
        done(failure(err), { revision: policy.revision, outcome: 'error', evalMicros: micros(started) }),
    );
    return;
  }
  const evalMicros = micros(started);
  // An inline evaluation cannot be interrupted, but its answer can be refused.
  if (pastDeadline(policy, evalMicros)) {
    done(failure(deadlineError(policy)), { revision: policy.revision, outcome: 'error', evalMicros });
    return;
  }
  finish(engine, result, policy.revision, evalMicros, done);
}

function finish(
  engine: PolicyEngine,
  raw: RawDecision,
  revision: string,
  evalMicros: number,
  done: (verdict: Verdict, info: VerdictInfo) => void,
): void {
  const reason = typeof raw.reason === 'string' && raw.reason !== '' ? raw.reason : undefined;
  if (raw.allow === true) {
    done(
      { allowed: true, reason: reason ?? 'allowed', revision, limits: raw.limits },
      { revision, outcome: 'allow', evalMicros },
    );
    return;
  }
  if (raw.allow === false) {
    done(new UnauthorizedError(reason ?? `denied by ${engine.allowEntrypoint}`), {
      revision,
      outcome: 'deny',
      evalMicros,
    });
    return;
  }
  const what = raw.allow === undefined ? 'undefined' : `not a boolean (${typeof raw.allow})`;
  done(
    new UnauthorizedError(
      reason ?? `policy decision ${engine.allowEntrypoint} is ${what}`,
      `allow is ${what}`,
    ),
    { revision, outcome: raw.allow === undefined ? 'deny' : 'error', evalMicros },
  );
}

/** A failed evaluation: the peer learns only that policy evaluation failed; logs get the cause. */
function failure(err: unknown): UnauthorizedError {
  const code = (err as { code?: unknown })?.code;
  const timedOut = code === 'ERR_SIDECAR_POLICY_TIMEOUT';
  return new UnauthorizedError(
    timedOut ? 'policy evaluation timed out' : 'policy evaluation failed',
    err instanceof Error ? err.message : String(err),
    { cause: err },
  );
}

/** Microseconds since `started` (a `process.hrtime.bigint()` reading). */
export function micros(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1000;
}

/** Whether an inline policy's answer came later than its deadline (docs/policy-input.md: a denial). */
export function pastDeadline(policy: LoadedPolicy, evalMicros: number): boolean {
  return policy.deadlineMicros !== undefined && evalMicros > policy.deadlineMicros;
}

export function deadlineError(policy: LoadedPolicy): SidecarError {
  return new SidecarError(
    'ERR_SIDECAR_POLICY_TIMEOUT',
    `policy did not answer within ${(policy.deadlineMicros ?? 0) / 1000}ms`,
  );
}
