/**
 * @module Calling a builtin with OPA's error semantics: a failure is undefined unless strict builtin
 * errors are on or the builtin halts; then it is `eval_builtin_error` / `eval_type_error` at the call's
 * position. Evaluator layer.
 */
import type { BuiltinContext } from '../builtins/index.js';
import type { Value } from '../value/index.js';
import { type EvalLocation, RegoEvalError } from './errors.js';
import type { EvalBuiltin } from './options.js';

export function callBuiltin(
  def: EvalBuiltin,
  args: readonly Value[],
  ctx: BuiltinContext,
  strict: boolean,
  location: () => EvalLocation,
): Value | undefined {
  try {
    return def.impl(args, ctx);
  } catch (err) {
    // Match on codes, not classes (two copies of a package break instanceof).
    const e = err as { code?: unknown; regoCode?: unknown; halt?: unknown };
    if (e?.code === 'ERR_POLICY_EVAL') throw err;
    const isBuiltinError = e?.code === 'ERR_POLICY_BUILTIN';
    if (isBuiltinError && !e.halt && !strict) return undefined;
    const code =
      isBuiltinError && e.regoCode === 'eval_type_error' ? 'eval_type_error' : 'eval_builtin_error';
    const message = err instanceof Error ? err.message : String(err);
    throw new RegoEvalError(code, message, location(), { cause: err });
  }
}
