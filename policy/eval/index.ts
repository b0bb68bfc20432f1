/**
 * @module Public API of the IR evaluator: OPA's plan IR evaluated in TypeScript with OPA's semantics.
 * Re-exports only.
 */
export { type EvalLocation, RegoEvalError, type RegoEvalErrorCode } from './errors.js';
export { evaluatePlan, planNames, type ResultSet } from './evaluate.js';
export { Explainer, type ExplainFailure, type ExplainNode, ruleName } from './explain.js';
export type { BuiltinResolver, EvalBuiltin, EvalTracer, EvaluateOptions } from './options.js';
