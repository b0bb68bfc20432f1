/**
 * @module Entry point of the IR evaluator: evaluate one plan of a plan document against input and data.
 * Evaluator layer; used by `policy eval`, `policy test`, the conformance runner and the Wasm tests.
 */
import { createBuiltinContext, lookupBuiltin } from '../builtins/index.js';
import type { Policy } from '../ir/ir.js';
import { ObjectValue } from '../value/index.js';
import { RegoEvalError } from './errors.js';
import { Interpreter } from './interpreter.js';
import type { EvaluateOptions } from './options.js';
import { type PreparedPlan, type Program, programFor } from './program.js';

/** One result: the bindings of the query's variables (`{x: 7}`), as OPA's result set holds them. */
export type ResultSet = ObjectValue[];

/**
 * Evaluate a plan. Returns the result set: an empty array means undefined. Throws `RegoEvalError`
 * (`ERR_POLICY_EVAL`, with OPA's `regoCode`) on conflicts, strict builtin errors and halts.
 *
 * @example
 * const rs = evaluatePlan(policy, { input: parseJson('{"user": "alice"}'), plan: 'authz/allow' });
 * const allowed = rs.length === 1 && rs[0].get('result') === true;
 */
export function evaluatePlan(policy: Policy, opts: EvaluateOptions = {}): ResultSet {
  const program = programFor(policy);
  const plan = selectPlan(program, opts.plan);
  const strict = opts.strictBuiltinErrors ?? false;
  const ctx =
    opts.builtinContext ??
    createBuiltinContext({
      strict,
      ...(opts.now ? { clock: opts.now } : {}),
      ...(opts.print ? { print: opts.print } : {}),
      ...(opts.network ? { network: opts.network } : {}),
      ...(opts.parseModule ? { parseModule: opts.parseModule } : {}),
    });
  const interpreter = new Interpreter({
    program,
    builtins: opts.builtins ?? lookupBuiltin,
    ctx,
    strict,
    tracer: opts.tracer,
  });
  return interpreter.runPlan(plan, opts.input, opts.data ?? new ObjectValue());
}

/** Names of the plans in a document (entrypoints such as `x/y`, or `eval` for a query). */
export function planNames(policy: Policy): string[] {
  return [...programFor(policy).plans.keys()];
}

function selectPlan(program: Program, name: string | undefined): PreparedPlan {
  if (name !== undefined) {
    const p = program.plans.get(name);
    if (!p) {
      const known = [...program.plans.keys()].join(', ') || 'none';
      throw new RegoEvalError(
        'eval_internal_error',
        `no plan named ${JSON.stringify(name)} (plans: ${known})`,
      );
    }
    return p;
  }
  const first = program.plans.values().next();
  if (first.done) throw new RegoEvalError('eval_internal_error', 'the plan document has no plans');
  return first.value;
}
