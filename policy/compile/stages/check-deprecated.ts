/**
 * @module Compile stage: calls to OPA's deprecated builtins (`any`, `re_match`, `cast_string`, …) are
 * errors in strict mode and in Rego v1 modules — a v0 module that imports `rego.v1` included — as OPA's
 * CheckDeprecatedBuiltins stage reports them: `rego_type_error: deprecated built-in function calls in
 * expression: re_match`. Plain Rego v0 keeps them as ordinary builtins.
 */
import type { Body, Location, RegoError, Rule, Term } from '../../ast/index.js';
import { opName } from '../../ast/index.js';
import { builtinInfo } from '../builtin-info.js';
import type { CompileState } from '../compile-state.js';
import { regoV1Compatible } from '../rego-v1-compatible.js';
import { walkBody, walkTerm } from '../term-walk.js';
import { allRules } from '../types.js';

/**
 * OPA places the error at the expression when the call is the whole expression (so a negated call is
 * reported at its `not`), else at the call. Records the expression location of every top-level call in
 * `body` and, recursively, in `every` bodies.
 */
function noteTopLevelCalls(body: Body, at: Map<Term, Location>): void {
  for (const e of body) {
    if (e.kind.type === 'term' && e.kind.term.type === 'call') at.set(e.kind.term, e.loc);
    if (e.kind.type === 'every') noteTopLevelCalls(e.kind.body, at);
  }
}

/** The error for `t` when it calls a deprecated builtin. */
function visit(t: Term, at: Map<Term, Location>, errors: RegoError[]): void {
  if (t.type === 'arraycomp' || t.type === 'setcomp' || t.type === 'objectcomp')
    noteTopLevelCalls(t.body, at);
  if (t.type !== 'call' || t.op.terms[0]?.type !== 'var') return;
  const name = opName(t.op);
  if (!builtinInfo(name)?.deprecated) return;
  const loc = at.get(t) ?? t.loc;
  errors.push({
    code: 'rego_type_error',
    message: `deprecated built-in function calls in expression: ${name}`,
    location: { file: loc.file, row: loc.row, col: loc.col },
  });
}

/** Errors for deprecated builtin calls in `body` and in `terms` (a rule's head terms). */
export function deprecatedCallErrors(body: Body, terms: readonly (Term | undefined)[] = []): RegoError[] {
  const errors: RegoError[] = [];
  const at = new Map<Term, Location>();
  noteTopLevelCalls(body, at);
  // Pre-order walks: a comprehension is visited (and its top-level calls noted) before its body.
  walkBody(body, (t) => visit(t, at, errors));
  for (const t of terms) if (t) walkTerm(t, (x) => visit(x, at, errors));
  return errors;
}

function ruleErrors(rule: Rule): RegoError[] {
  const head = [rule.head.key, rule.head.value, ...(rule.head.args ?? []), ...rule.head.ref.terms];
  const errors = deprecatedCallErrors(rule.body, head);
  if (rule.elseRule) errors.push(...ruleErrors(rule.elseRule));
  return errors;
}

export function checkDeprecatedStage(state: CompileState): void {
  const strict = state.options.strict ?? false;
  const v0 = state.options.v0Compatible ?? false;
  for (const r of allRules(state.root!)) {
    if (strict || regoV1Compatible(r.module, v0)) state.errors.push(...ruleErrors(r.rule));
  }
}
