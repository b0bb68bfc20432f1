/**
 * @module Compiles an ad-hoc query against a CompiledPolicy: parse, resolve names, rewrite locals, check
 * calls and reorder for safety — the same stages modules go through. Compile layer.
 */
import { type Body, parseQuery, type RegoError, sortErrors } from '../ast/index.js';
import { checkCallsInBody } from './stages/check-calls.js';
import { deprecatedCallErrors } from './stages/check-deprecated.js';
import { checkWithTargets } from './stages/check-with.js';
import { VarRewriter } from './stages/resolve-refs.js';
import { reorderBody } from './stages/safety.js';
import { safetyContext } from './stages/safety-stage.js';
import { exprVars, isGeneratedVar, isRootVar } from './term-walk.js';
import type { CompiledPolicy, CompiledQuery } from './types.js';

export function compileQuery(
  compiled: CompiledPolicy,
  query: string | Body,
): { ok: true; query: CompiledQuery } | { ok: false; errors: RegoError[] } {
  let body: Body;
  if (typeof query === 'string') {
    const parsed = parseQuery(query, { v0Compatible: compiled.options.v0Compatible ?? false });
    if (!parsed.body) return { ok: false, errors: sortErrors(parsed.errors) };
    body = parsed.body;
  } else body = query;
  const errors: RegoError[] = [];
  const rw = new VarRewriter({ imports: new Map(), rules: new Map() }, { n: 100000 }, true);
  rw.push();
  const rewritten = rw.body(body);
  errors.push(...rw.errors);
  checkCallsInBody(compiled.root, rewritten, errors, compiled.ruleTypes);
  checkWithTargets(compiled.root, rewritten, errors);
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  const r = reorderBody(rewritten, new Set(), safetyContext(compiled.root, errors, rw.renamed));
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  // OPA's query compiler rejects deprecated builtins only in strict mode (not for Rego v1 queries).
  if (compiled.options.strict) errors.push(...deprecatedCallErrors(rewritten));
  if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };
  const vars: string[] = [];
  for (const e of rewritten)
    for (const v of exprVars(e, false))
      if (!isGeneratedVar(v) && !isRootVar(v) && !vars.includes(v)) vars.push(v);
  return { ok: true, query: { body: r.body, vars } };
}
