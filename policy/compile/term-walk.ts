/**
 * @module Traversals over terms and bodies: collect variables, map terms. Compile layer helpers shared
 * by the stages and the planner.
 */
import type { Body, Expr, ExprKind, Term } from '../ast/index.js';

/** Call `fn` on every term reachable from `t` (pre-order). `closures: false` skips comprehension bodies. */
export function walkTerm(t: Term, fn: (t: Term) => void, closures = true): void {
  fn(t);
  switch (t.type) {
    case 'ref':
      for (const p of t.terms) walkTerm(p, fn, closures);
      break;
    case 'array':
    case 'set':
      for (const i of t.items) walkTerm(i, fn, closures);
      break;
    case 'object':
      for (const [k, v] of t.entries) {
        walkTerm(k, fn, closures);
        walkTerm(v, fn, closures);
      }
      break;
    case 'call':
      for (const a of t.args) walkTerm(a, fn, closures);
      break;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') walkTerm(p, fn, closures);
      break;
    case 'arraycomp':
    case 'setcomp':
      if (closures) {
        walkTerm(t.term, fn, closures);
        walkBody(t.body, fn, closures);
      }
      break;
    case 'objectcomp':
      if (closures) {
        walkTerm(t.key, fn, closures);
        walkTerm(t.value, fn, closures);
        walkBody(t.body, fn, closures);
      }
      break;
    default:
      break;
  }
}

export function walkBody(body: Body, fn: (t: Term) => void, closures = true): void {
  for (const e of body) walkExpr(e, fn, closures);
}

export function walkExpr(e: Expr, fn: (t: Term) => void, closures = true): void {
  walkKind(e.kind, fn, closures);
  for (const w of e.with) {
    walkTerm(w.value, fn, closures);
  }
}

function walkKind(k: ExprKind, fn: (t: Term) => void, closures: boolean): void {
  switch (k.type) {
    case 'term':
      walkTerm(k.term, fn, closures);
      break;
    case 'some':
      for (const v of k.vars) fn(v);
      break;
    case 'somein':
      if (k.key) walkTerm(k.key, fn, closures);
      walkTerm(k.value, fn, closures);
      walkTerm(k.collection, fn, closures);
      break;
    case 'every':
      if (k.key) walkTerm(k.key, fn, closures);
      walkTerm(k.value, fn, closures);
      walkTerm(k.domain, fn, closures);
      if (closures) walkBody(k.body, fn, closures);
      break;
  }
}

/** Variable names in a term (including in refs), in order; comprehension bodies excluded by default. */
export function termVars(t: Term, closures = false): string[] {
  const out: string[] = [];
  walkTerm(
    t,
    (x) => {
      if (x.type === 'var' && !out.includes(x.name)) out.push(x.name);
    },
    closures,
  );
  return out;
}

export function exprVars(e: Expr, closures = false): string[] {
  const out: string[] = [];
  walkExpr(
    e,
    (x) => {
      if (x.type === 'var' && !out.includes(x.name)) out.push(x.name);
    },
    closures,
  );
  return out;
}

/** Vars that are roots of the data model rather than variables. */
export function isRootVar(name: string): boolean {
  return name === 'data' || name === 'input';
}

/** Wildcards (`_`) and compiler-generated names never appear in query results. */
export function isGeneratedVar(name: string): boolean {
  return name.startsWith('$');
}
