/**
 * @module Compile stage: every call names a defined function or builtin with a fitting number of
 * arguments of fitting types (OPA's CheckUndefinedFuncs and its type checker, rego_type_error).
 */
import type { Body, RefTerm, RegoError, Rule, Term } from '../../ast/index.js';
import { opName } from '../../ast/index.js';
import { builtinInfo } from '../builtin-info.js';
import { walkBody, walkTerm } from '../term-walk.js';
import { findNode, type RuleNode } from '../types.js';
import { argumentTypeError, arityError, matchError } from './check-types.js';
import { assignedTypes, type TypeEnv } from './static-types.js';

/** Declared input arity of `op` (user function or builtin); undefined when `op` names nothing callable. */
export function callArity(root: RuleNode, op: RefTerm): number | undefined {
  const name = opName(op);
  if (op.terms[0]?.type === 'var' && op.terms[0].name === 'data') {
    const node = findNode(root, name.split('.').slice(1));
    const fn = node?.rules.find((r) => r.kind === 'function');
    return fn ? fn.rule.head.args!.length : undefined;
  }
  const b = builtinInfo(name);
  return b ? b.arity : undefined;
}

function functionArityError(name: string, want: number, have: number): string {
  return `function ${name} has arity ${want}, got ${have} argument${have === 1 ? '' : 's'}`;
}

function checkCall(root: RuleNode, t: Term, env: TypeEnv, errors: RegoError[]): void {
  if (t.type !== 'call') return;
  const name = opName(t.op);
  const loc = { file: t.loc.file, row: t.loc.row, col: t.loc.col };
  if (t.op.terms[0]?.type === 'var' && t.op.terms[0].name === 'data') {
    // As OPA's CheckUndefinedFuncs: a ref that names no function (nothing, or a rule that takes no
    // arguments) is an undefined function.
    const fn = findNode(root, name.split('.').slice(1))?.rules.find((r) => r.kind === 'function');
    if (!fn) {
      errors.push({ code: 'rego_type_error', message: `undefined function ${name}`, location: loc });
      return;
    }
    const n = fn.rule.head.args!.length;
    if (t.args.length !== n && t.args.length !== n + 1)
      errors.push({
        code: 'rego_type_error',
        message: functionArityError(name, n, t.args.length),
        location: loc,
      });
    return;
  }
  const b = builtinInfo(name);
  if (!b) {
    errors.push({ code: 'rego_type_error', message: `undefined function ${name}`, location: loc });
    return;
  }
  if (b.decl === undefined) {
    // eq / assign: `=` between terms whose types cannot unify.
    const [x, y] = t.args;
    const mismatch = x && y ? matchError(x, y, env) : undefined;
    if (mismatch) errors.push({ code: 'rego_type_error', message: mismatch, location: loc });
    return;
  }
  const ok = b.variadic
    ? t.args.length >= b.arity
    : t.args.length === b.arity || (b.hasResult && t.args.length === b.arity + 1);
  if (!ok) {
    errors.push({ code: 'rego_type_error', message: arityError(b, t.args, env), location: loc });
    return;
  }
  const typeError = argumentTypeError(b, t.args, env);
  if (typeError) errors.push({ code: 'rego_type_error', message: typeError, location: loc });
}

/** `types`: rule types from ruleTypes(), so refs to typed rules are checked too. */
export function checkCallsInBody(
  root: RuleNode,
  body: Body,
  errors: RegoError[],
  types: TypeEnv = new Map(),
): void {
  const env = assignedTypes(body, [], types);
  walkBody(body, (t) => checkCall(root, t, env, errors));
}

export function checkCallsInRule(
  root: RuleNode,
  rule: Rule,
  errors: RegoError[],
  types: TypeEnv = new Map(),
): void {
  const head = [rule.head.value, rule.head.key, ...(rule.head.args ?? []), ...rule.head.ref.terms];
  const env = assignedTypes(rule.body, head, types);
  walkBody(rule.body, (t) => checkCall(root, t, env, errors));
  for (const t of head) if (t) walkTerm(t, (x) => checkCall(root, x, env, errors));
  if (rule.elseRule) checkCallsInRule(root, rule.elseRule, errors, types);
}
