/**
 * @module Compile stage: every call names a defined function or builtin with a fitting number of
 * arguments (OPA's CheckUndefinedFuncs and the arity part of its type checker, rego_type_error).
 */
import type { Body, RefTerm, RegoError, Rule, Term } from '../../ast/index.js';
import { builtinInfo } from '../builtin-info.js';
import { walkBody, walkTerm } from '../term-walk.js';
import { findNode, type RuleNode } from '../types.js';
import { argumentTypeError, renderType } from './check-types.js';
import { opName } from './safety.js';

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

function checkCall(root: RuleNode, t: Term, errors: RegoError[]): void {
  if (t.type !== 'call') return;
  const name = opName(t.op);
  const loc = { file: t.loc.file, row: t.loc.row, col: t.loc.col };
  if (t.op.terms[0]?.type === 'var' && t.op.terms[0].name === 'data') {
    const node = findNode(root, name.split('.').slice(1));
    if (!node || node.rules.length === 0) {
      errors.push({ code: 'rego_type_error', message: `undefined function ${name}`, location: loc });
      return;
    }
    const fn = node.rules.find((r) => r.kind === 'function');
    if (!fn) {
      errors.push({ code: 'rego_type_error', message: `${name} is not a function`, location: loc });
      return;
    }
    const n = fn.rule.head.args!.length;
    if (t.args.length !== n && t.args.length !== n + 1)
      errors.push({
        code: 'rego_type_error',
        message: `${name}: arity mismatch: have ${t.args.length} arguments, want ${n}`,
        location: loc,
      });
    return;
  }
  const b = builtinInfo(name);
  if (!b) {
    errors.push({ code: 'rego_type_error', message: `undefined function ${name}`, location: loc });
    return;
  }
  const ok = b.variadic
    ? t.args.length >= b.arity
    : t.args.length === b.arity || (b.hasResult && t.args.length === b.arity + 1);
  if (!ok) {
    const want = ((b.decl?.args as { name?: string; type: string }[] | undefined) ?? []).map((a) =>
      a.name ? `${a.name}: ${renderType(a)}` : renderType(a),
    );
    errors.push({
      code: 'rego_type_error',
      message: `${name}: arity mismatch\n\thave: ${t.args.length} argument${t.args.length === 1 ? '' : 's'}\n\twant: (${want.join(', ')})`,
      location: loc,
    });
    return;
  }
  const typeError = argumentTypeError(b, t.args);
  if (typeError) errors.push({ code: 'rego_type_error', message: typeError, location: loc });
}

export function checkCallsInBody(root: RuleNode, body: Body, errors: RegoError[]): void {
  walkBody(body, (t) => checkCall(root, t, errors));
}

export function checkCallsInRule(root: RuleNode, rule: Rule, errors: RegoError[]): void {
  checkCallsInBody(root, rule.body, errors);
  for (const t of [rule.head.value, rule.head.key, ...(rule.head.args ?? []), ...rule.head.ref.terms]) {
    if (t) walkTerm(t, (x) => checkCall(root, x, errors));
  }
  if (rule.elseRule) checkCallsInRule(root, rule.elseRule, errors);
}
