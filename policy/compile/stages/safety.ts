/**
 * @module Compile stage: rule safety and body reordering, as OPA's reorderBodyForSafety does. Each
 * expression runs only once every variable it reads is bound by an earlier one; expressions are
 * reordered to make that so, and variables that can never be bound are rego_unsafe_var_errors.
 */
import { type Body, type Expr, opName, type RefTerm, type RegoError, type Term } from '../../ast/index.js';
import { exprVars, isRootVar, termVars, walkTerm } from '../term-walk.js';

export interface SafetyContext {
  /** Declared input arity of a called function or builtin, or undefined if unknown. */
  arity(op: RefTerm): number | undefined;
  readonly errors: RegoError[];
  /** Fresh local names → the author's names, so messages say `var x`, not `var $local3`. */
  readonly rewritten?: ReadonlyMap<string, string>;
  /** Fresh locals already reported unsafe: each is reported once, as OPA reports each var once. */
  readonly reported?: Set<string>;
}

function varsOfCapture(e: Expr, visible: ReadonlySet<string>, ctx: SafetyContext): Set<string> {
  const all = exprVars(e, true);
  const fnNames = new Set<string>();
  for (const w of e.with) {
    const head = w.target.type === 'ref' ? w.target.terms[0] : w.target;
    const isDoc =
      head?.type === 'var' &&
      (head.name === 'input' || head.name === 'data') &&
      ctx.arity(asRef(w.target)) === undefined;
    if (isDoc) continue;
    const v = w.value;
    if ((v.type === 'var' || v.type === 'ref') && ctx.arity(asRef(v)) !== undefined)
      for (const n of termVars(v)) fnNames.add(n);
  }
  const top = new Set(exprVars(e, false));
  const out = new Set<string>();
  for (const v of all) if (top.has(v) || visible.has(v)) out.add(v);
  if (e.kind.type === 'some') return new Set();
  if (e.kind.type === 'every') {
    const own = new Set([...(e.kind.key ? termVars(e.kind.key) : []), ...termVars(e.kind.value)]);
    for (const v of own) out.delete(v);
  }
  for (const v of [...out]) if (isRootVar(v) || fnNames.has(v)) out.delete(v);
  return out;
}

function asRef(t: Term): RefTerm {
  return t.type === 'ref' ? t : { type: 'ref', terms: [t], loc: t.loc };
}

/** Vars in ref path positions: a ref with a bound head iterates them. */
function refOutputs(t: Term, out: Set<string>): void {
  walkTerm(
    t,
    (x) => {
      if (x.type !== 'ref') return;
      for (const p of x.terms.slice(1)) for (const v of termVars(p)) out.add(v);
    },
    false,
  );
}

function isPattern(t: Term): boolean {
  return t.type === 'var' || t.type === 'array' || t.type === 'object';
}

/** Vars that become bound by unifying a with b, given the bound set. */
function unify(safe: Set<string>, a: Term, b: Term): void {
  const allSafe = (t: Term) => termVars(t).every((v) => safe.has(v) || isRootVar(v));
  if (a.type === 'var' && !safe.has(a.name)) {
    if (allSafe(b)) safe.add(a.name);
    return;
  }
  if (b.type === 'var' && !safe.has(b.name)) {
    if (allSafe(a)) safe.add(b.name);
    return;
  }
  if (a.type === 'array' && b.type === 'array' && a.items.length === b.items.length) {
    for (let i = 0; i < a.items.length; i++) unify(safe, a.items[i]!, b.items[i]!);
    return;
  }
  if (a.type === 'object' && b.type === 'object') {
    for (const [k, v] of a.entries) {
      const other = b.entries.find(([k2]) => sameKey(k, k2));
      if (other) unify(safe, v, other[1]);
    }
    return;
  }
  if (isPattern(b) && allSafe(a)) {
    for (const v of patternVars(b)) safe.add(v);
    return;
  }
  if (isPattern(a) && allSafe(b)) {
    for (const v of patternVars(a)) safe.add(v);
  }
}

function patternVars(t: Term): string[] {
  if (t.type === 'var') return [t.name];
  if (t.type === 'array') return t.items.flatMap(patternVars);
  if (t.type === 'object') return t.entries.flatMap(([, v]) => patternVars(v));
  return [];
}

export function sameKey(a: Term, b: Term): boolean {
  if (a.type === 'var') return b.type === 'var' && a.name === b.name;
  return (
    (a.type === 'string' || a.type === 'number' || a.type === 'boolean') &&
    a.type === b.type &&
    a.value === b.value
  );
}

/** Vars newly bound by running `e` when `safe` are already bound. */
function outputs(e: Expr, safe: ReadonlySet<string>, ctx: SafetyContext): Set<string> {
  const out = new Set<string>();
  if (e.negated) return out;
  const k = e.kind;
  switch (k.type) {
    case 'some':
    case 'every':
      return out;
    case 'somein':
      refOutputs(k.collection, out);
      if (k.key) for (const v of termVars(k.key)) out.add(v);
      for (const v of termVars(k.value)) out.add(v);
      return out;
    case 'term': {
      const t = k.term;
      if (t.type === 'call') {
        const name = opName(t.op);
        for (const a of t.args) refOutputs(a, out);
        if (name === 'eq' && t.args.length === 2) {
          const s = new Set([...safe, ...out]);
          let size = -1;
          while (s.size !== size) {
            size = s.size;
            unify(s, t.args[0]!, t.args[1]!);
          }
          for (const v of s) if (!safe.has(v)) out.add(v);
          return out;
        }
        const arity = ctx.arity(t.op);
        if (arity !== undefined && t.args.length === arity + 1) {
          const last = t.args[arity]!;
          const s = new Set([...safe, ...out]);
          const inputsSafe = t.args
            .slice(0, arity)
            .every((a) => termVars(a).every((v) => s.has(v) || isRootVar(v)));
          if (inputsSafe) for (const v of patternVars(last)) out.add(v);
          if (!isPattern(last)) refOutputs(last, out);
        }
        return out;
      }
      refOutputs(t, out);
      return out;
    }
  }
}

/**
 * Reorder `body` so every expression's inputs are bound first. `safe` holds vars bound before the body
 * runs; `outer` vars visible from enclosing scopes (captured by closures). Returns the new body and the
 * bound set after it.
 */
export function reorderBody(
  body: Body,
  safe: ReadonlySet<string>,
  ctx: SafetyContext,
  outer: ReadonlySet<string> = new Set(),
): { body: Body; safe: Set<string> } {
  const bound = new Set([...safe, 'input', 'data']);
  const topVars = new Set<string>();
  for (const e of body) for (const v of exprVars(e, false)) topVars.add(v);
  const visible = new Set([...safe, ...topVars, ...outer]);
  const remaining = [...body];
  const ordered: Expr[] = [];
  while (remaining.length > 0) {
    let progressed = false;
    for (let i = 0; i < remaining.length; i++) {
      const e = remaining[i]!;
      const needs = varsOfCapture(e, visible, ctx);
      const out = outputs(e, bound, ctx);
      if ([...needs].every((v) => bound.has(v) || out.has(v))) {
        ordered.push(rewriteClosures(e, bound, ctx, visible));
        for (const v of out) bound.add(v);
        remaining.splice(i, 1);
        progressed = true;
        break;
      }
    }
    if (!progressed) {
      for (const e of remaining) {
        const needs = varsOfCapture(e, visible, ctx);
        const out = outputs(e, bound, ctx);
        for (const v of needs) if (!bound.has(v) && !out.has(v)) reportUnsafe(v, e.loc, ctx);
      }
      // Keep the remaining expressions so later stages still see a complete body.
      ordered.push(...remaining);
      break;
    }
  }
  return { body: ordered, safe: bound };
}

/** Compiler names show the author's spelling: fresh locals map back, wildcards print as `_`. */
function displayVar(v: string, ctx: SafetyContext): string {
  if (v.startsWith('$_')) return '_';
  return ctx.rewritten?.get(v) ?? v;
}

function reportUnsafe(v: string, loc: { file: string; row: number; col: number }, ctx: SafetyContext): void {
  // A fresh local names one declaration, so a second report of it (its comprehension head and the
  // body expression that failed to bind it) says nothing new.
  if (ctx.rewritten?.has(v)) {
    if (ctx.reported?.has(v)) return;
    ctx.reported?.add(v);
  }
  ctx.errors.push({
    code: 'rego_unsafe_var_error',
    message: `var ${displayVar(v, ctx)} is unsafe`,
    location: { file: loc.file, row: loc.row, col: loc.col },
  });
}

function rewriteClosures(
  e: Expr,
  bound: ReadonlySet<string>,
  ctx: SafetyContext,
  visible: ReadonlySet<string>,
): Expr {
  const k = e.kind;
  const mapT = (t: Term) => closureTerm(t, bound, ctx, visible);
  switch (k.type) {
    case 'every': {
      const inner = new Set([...bound, ...(k.key ? termVars(k.key) : []), ...termVars(k.value)]);
      const r = reorderBody(k.body, inner, ctx, visible);
      return { ...e, kind: { ...k, domain: mapT(k.domain), body: r.body } };
    }
    case 'somein':
      return { ...e, kind: { ...k, collection: mapT(k.collection) } };
    case 'term':
      return {
        ...e,
        kind: { type: 'term', term: mapT(k.term) },
        with: e.with.map((w) => ({ ...w, value: mapT(w.value) })),
      };
    default:
      return e;
  }
}

/** Reorder the bodies of comprehensions inside a term and check their heads are bound. */
function closureTerm(
  t: Term,
  bound: ReadonlySet<string>,
  ctx: SafetyContext,
  visible: ReadonlySet<string>,
): Term {
  const rec = (x: Term) => closureTerm(x, bound, ctx, visible);
  switch (t.type) {
    case 'ref':
      return { ...t, terms: t.terms.map(rec) };
    case 'call':
      return { ...t, args: t.args.map(rec) };
    case 'array':
      return { ...t, items: t.items.map(rec) };
    case 'set':
      return { ...t, items: t.items.map(rec) };
    case 'object':
      return { ...t, entries: t.entries.map(([a, b]) => [rec(a), rec(b)] as const) };
    case 'template':
      return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : rec(p))) };
    case 'arraycomp':
    case 'setcomp': {
      const r = reorderBody(t.body, bound, ctx, visible);
      checkHead([t.term], r.safe, t.loc, ctx);
      return { ...t, body: r.body, term: closureTerm(t.term, r.safe, ctx, visible) };
    }
    case 'objectcomp': {
      const r = reorderBody(t.body, bound, ctx, visible);
      checkHead([t.key, t.value], r.safe, t.loc, ctx);
      return {
        ...t,
        body: r.body,
        key: closureTerm(t.key, r.safe, ctx, visible),
        value: closureTerm(t.value, r.safe, ctx, visible),
      };
    }
    default:
      return t;
  }
}

/** Head terms (rule values, comprehension outputs) may only use vars the body bound. */
export function checkHead(
  terms: readonly Term[],
  safe: ReadonlySet<string>,
  loc: { file: string; row: number; col: number },
  ctx: SafetyContext,
): void {
  // Vars in head refs (`q := xs[_]`) are bound by evaluating the head itself.
  const iterated = new Set<string>();
  for (const t of terms) refOutputs(t, iterated);
  for (const t of terms) {
    for (const v of termVars(t)) {
      if (!safe.has(v) && !isRootVar(v) && !iterated.has(v)) reportUnsafe(v, loc, ctx);
    }
  }
}

/** Reorder comprehension bodies inside a rule head term, given the vars the rule body bound. */
export function closureTermInHead(t: Term, safe: ReadonlySet<string>, ctx: SafetyContext): Term {
  return closureTerm(t, safe, ctx, safe);
}
