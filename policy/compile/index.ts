/**
 * @module Public API of the Rego compiler — the contract the evaluator, the Wasm backend and the CLI
 * build on: compile modules, then plan entrypoints or an ad-hoc query to OPA's plan IR.
 */
import type { RegoError } from '../ast/index.js';
import type { Policy } from '../ir/ir.js';
import { PlanError, planEntrypointsFrom, planQueryFrom } from '../planner/index.js';
import { compileQuery } from './query.js';
import type { CompiledPolicy } from './types.js';

export type { RegoError, RegoErrorCode } from '../ast/index.js';
export { formatRegoError, sortErrors } from '../ast/index.js';
export { compileModules } from './compiler.js';
export { compileQuery } from './query.js';
export { regoParseModule } from './rego-parse-module.js';
export { regoV1Violations } from './rego-v1-violations.js';
export { STAGES } from './stages.js';
export type {
  CompiledPolicy,
  CompiledQuery,
  CompiledRule,
  CompileOptions,
  RuleKind,
  RuleNode,
  SourceFile,
} from './types.js';

function planFailure(e: unknown): RegoError[] {
  if (e instanceof PlanError)
    return [{ code: 'rego_compile_error', message: e.message, ...(e.loc ? { location: e.loc } : {}) }];
  return [{ code: 'rego_compile_error', message: `internal planner error: ${(e as Error).message}` }];
}

/**
 * Plans for named entrypoints (`'pkg/rule'`); each plan is named by its path and adds `{result: value}`.
 * Throws a PolicyError-free plain Error only on planner bugs; use planQuery for a Result-style API.
 */
export function planEntrypoints(compiled: CompiledPolicy, entrypoints: string[]): Policy {
  return planEntrypointsFrom(compiled, entrypoints);
}

/** One `eval` plan for an ad-hoc query; each result is an object of the query's variable bindings. */
export function planQuery(
  compiled: CompiledPolicy,
  query: string,
): { ok: true; policy: Policy } | { ok: false; errors: RegoError[] } {
  const q = compileQuery(compiled, query);
  if (!q.ok) return q;
  try {
    return { ok: true, policy: planQueryFrom(compiled, q.query) };
  } catch (e) {
    return { ok: false, errors: planFailure(e) };
  }
}
