/**
 * @module Compile stage driver for safety: reorders every rule body (and else body) and checks that
 * head variables are bound by the body or by function arguments.
 */
import type { Module, Rule } from '../../ast/index.js';
import type { CompileState } from '../compile-state.js';
import { termVars } from '../term-walk.js';
import type { RuleNode } from '../types.js';
import { callArity } from './check-calls.js';
import { checkHead, closureTermInHead, reorderBody, type SafetyContext } from './safety.js';

export function safetyContext(
  root: RuleNode,
  errors: SafetyContext['errors'],
  rewritten: ReadonlyMap<string, string> = new Map(),
): SafetyContext {
  return { arity: (op) => callArity(root, op), errors, rewritten, reported: new Set() };
}

function safeRule(rule: Rule, ctx: SafetyContext): Rule {
  const argVars = new Set((rule.head.args ?? []).flatMap((a) => termVars(a)));
  const r = reorderBody(rule.body, argVars, ctx);
  const headTerms = [rule.head.value, rule.head.key, ...rule.head.ref.terms.slice(1)].filter(
    (t) => t !== undefined,
  );
  checkHead(headTerms, r.safe, rule.head.loc, ctx);
  const fix = (t: typeof rule.head.value) => (t ? closureTermInHead(t, r.safe, ctx) : t);
  const head = {
    ...rule.head,
    ...(rule.head.value ? { value: fix(rule.head.value)! } : {}),
    ...(rule.head.key ? { key: fix(rule.head.key)! } : {}),
  };
  const elseRule = rule.elseRule ? safeRule(rule.elseRule, ctx) : undefined;
  return { ...rule, head, body: r.body, ...(elseRule ? { elseRule } : {}) };
}

export function safetyStage(state: CompileState): void {
  const ctx = safetyContext(state.root!, state.errors, state.rewritten);
  state.modules = state.modules.map((m): Module => ({ ...m, rules: m.rules.map((r) => safeRule(r, ctx)) }));
}
