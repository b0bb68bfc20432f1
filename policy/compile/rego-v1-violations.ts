/**
 * @module What a Rego v0 module does that Rego v1 forbids, beyond syntax: OPA's CheckRegoV1 with the
 * checks `opa fmt --v0-v1` keeps (the `if`/`contains` keyword checks are left out: the formatter adds
 * the keywords). Imports that shadow each other, rules, arguments or `:=` variables named `input` or
 * `data`, calls to deprecated builtins, and rule names that are v1 keywords. Compiler layer.
 */
import type { Body, Expr, Import, Module, RegoError, Rule, Term } from '../ast/index.js';
import { REGO_V1_KEYWORDS, sortErrors } from '../ast/index.js';
import { ROOTS, rootShadowing } from './root-shadowing.js';
import { deprecatedCallErrors } from './stages/check-deprecated.js';
import { refText } from './stages/resolve-refs.js';
import { walkTerm } from './term-walk.js';

function error(code: RegoError['code'], message: string, loc: Term['loc']): RegoError {
  return { code, message, location: { file: loc.file, row: loc.row, col: loc.col } };
}

/** The name an import binds: its alias, else its last path segment. */
function importName(imp: Import): string {
  const last = imp.path.terms[imp.path.terms.length - 1]!;
  return imp.alias ?? (last.type === 'string' ? last.value : last.type === 'var' ? last.name : '');
}

function importText(imp: Import): string {
  return `import ${refText(imp.path)}${imp.alias ? ` as ${imp.alias}` : ''}`;
}

function duplicateImports(m: Module): RegoError[] {
  const seen = new Map<string, Import>();
  const out: RegoError[] = [];
  for (const imp of m.imports) {
    const first = seen.get(importName(imp));
    if (first) out.push(error('rego_compile_error', `import must not shadow ${importText(first)}`, imp.loc));
    else seen.set(importName(imp), imp);
  }
  return out;
}

/** Every expression of a body, of the `every` bodies in it and of the comprehensions anywhere in it. */
function eachExpr(body: Body, fn: (e: Expr) => void): void {
  for (const e of body) {
    fn(e);
    if (e.kind.type === 'every') eachExpr(e.kind.body, fn);
    const terms: Term[] = [];
    if (e.kind.type === 'term') terms.push(e.kind.term);
    if (e.kind.type === 'somein') terms.push(e.kind.collection);
    if (e.kind.type === 'every') terms.push(e.kind.domain);
    for (const w of e.with) terms.push(w.value);
    for (const t of terms) eachTermExpr(t, fn);
  }
}

/** The expressions of the comprehensions in `t` (comprehension bodies are walked by eachExpr). */
function eachTermExpr(t: Term, fn: (e: Expr) => void): void {
  walkTerm(
    t,
    (x) => {
      if (x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp') {
        eachExpr(x.body, fn);
        for (const head of x.type === 'objectcomp' ? [x.key, x.value] : [x.term]) eachTermExpr(head, fn);
      }
    },
    false,
  );
}

function ruleChain(r: Rule): Rule[] {
  return r.elseRule ? [r, ...ruleChain(r.elseRule)] : [r];
}

function rootOverrides(m: Module): RegoError[] {
  const out = rootShadowing(m);
  for (const rule of m.rules) {
    const visit = (e: Expr) => {
      const t = e.kind.type === 'term' ? e.kind.term : undefined;
      if (t?.type !== 'call' || opNameOf(t) !== 'assign') return;
      const lhs = t.args[0];
      if (lhs?.type === 'var' && ROOTS.has(lhs.name))
        out.push(
          error(
            'rego_compile_error',
            `variables must not shadow ${lhs.name} (use a different variable name)`,
            e.loc,
          ),
        );
    };
    for (const r of ruleChain(rule)) {
      eachExpr(r.body, visit);
      for (const t of [r.head.key, r.head.value, ...(r.head.args ?? [])]) if (t) eachTermExpr(t, visit);
    }
  }
  return out;
}

function opNameOf(t: Extract<Term, { type: 'call' }>): string | undefined {
  const head = t.op.terms[0];
  return t.op.terms.length === 1 && head?.type === 'var' ? head.name : undefined;
}

function deprecatedBuiltins(m: Module): RegoError[] {
  const out: RegoError[] = [];
  for (const rule of m.rules)
    for (const r of ruleChain(rule)) {
      const head = [r.head.key, r.head.value, ...(r.head.args ?? []), ...r.head.ref.terms];
      out.push(...deprecatedCallErrors(r.body, head));
    }
  return out;
}

function keywordRuleNames(m: Module): RegoError[] {
  const out: RegoError[] = [];
  for (const rule of m.rules) {
    const head = rule.head.ref.terms[0];
    if (rule.head.ref.terms.length < 2 && head?.type === 'var' && REGO_V1_KEYWORDS.has(head.name))
      out.push(error('rego_parse_error', `${head.name} keyword cannot be used for rule name`, rule.loc));
  }
  return out;
}

/** Why `m` (parsed as Rego v0) cannot be printed as Rego v1, sorted by position; [] when it can. */
export function regoV1Violations(m: Module): RegoError[] {
  return sortErrors([
    ...duplicateImports(m),
    ...rootOverrides(m),
    ...deprecatedBuiltins(m),
    ...keywordRuleNames(m),
  ]);
}
