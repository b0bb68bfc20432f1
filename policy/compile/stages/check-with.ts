/**
 * @module Compile stage helper: `with` targets must name input, data or a function, as OPA's
 * rewriteWithModifiers validates them — with OPA's codes and messages. Compile layer.
 */
import type { Body, Expr, RegoError, Rule, Term, WithModifier } from '../../ast/index.js';
import { opName } from '../../ast/index.js';
import { builtinInfo } from '../builtin-info.js';
import { walkExpr, walkTerm } from '../term-walk.js';
import type { RuleNode } from '../types.js';

/** Builtins OPA refuses to let `with` replace: the unifier and the rule-metadata calls the compiler rewrites. */
const IRREPLACEABLE = new Set(['eq', 'assign', 'rego.metadata.chain', 'rego.metadata.rule']);
/** Relations (a builtin that enumerates) cannot be mocked by a function that returns one value. */
const RELATIONS = new Set(['walk']);

function targetError(root: RuleNode, w: WithModifier): RegoError | undefined {
  const t = w.target;
  const terms: readonly Term[] = t.type === 'ref' ? t.terms : [t];
  const head = terms[0];
  const loc = { file: t.loc.file, row: t.loc.row, col: t.loc.col };
  if (head?.type !== 'var') return typeError(loc);
  if (head.name === 'input') return undefined;
  if (head.name === 'data') {
    // Replacing a key inside a rule's value would leave the rest of that value to be computed.
    let node: RuleNode | undefined = root;
    for (const key of terms.slice(1, -1)) {
      if (key.type !== 'string') break;
      node = node.children.get(key.value);
      if (node === undefined) break;
      if (node.rules.length > 0) {
        return {
          code: 'rego_compile_error',
          message: 'with keyword cannot partially replace virtual document(s)',
          location: loc,
        };
      }
    }
    return undefined;
  }
  const name = t.type === 'ref' ? opName(t) : head.name;
  const info = builtinInfo(name);
  if (!info || !terms.every((x, i) => i === 0 || x.type === 'string')) return typeError(loc);
  const invalid = (why: string): RegoError => ({
    code: 'rego_compile_error',
    message: `with keyword replacing built-in function: ${why}`,
    location: loc,
  });
  if (IRREPLACEABLE.has(name)) return invalid(`replacement of ${JSON.stringify(name)} invalid`);
  if (name.startsWith('internal.'))
    return invalid(`replacement of internal function ${JSON.stringify(name)} invalid`);
  if (RELATIONS.has(name)) return invalid('target must not be a relation');
  if (info.decl !== undefined && !info.hasResult) return invalid('target must not be a void function');
  return undefined;
}

function typeError(location: { file: string; row: number; col: number }): RegoError {
  return {
    code: 'rego_type_error',
    message: 'with keyword target must reference existing input, data, or a function',
    location,
  };
}

/** Every expression of `body`, those in comprehension and `every` bodies included. */
function eachExpr(body: Body, fn: (e: Expr) => void): void {
  for (const e of body) {
    fn(e);
    if (e.kind.type === 'every') eachExpr(e.kind.body, fn);
    walkExpr(e, (t) => closureExprs(t, fn), false);
  }
}

function closureExprs(t: Term, fn: (e: Expr) => void): void {
  if (t.type === 'arraycomp' || t.type === 'setcomp' || t.type === 'objectcomp') eachExpr(t.body, fn);
}

/** Report every invalid `with` target in `body` (and in comprehensions among `terms`, a rule's head). */
export function checkWithTargets(
  root: RuleNode,
  body: Body,
  errors: RegoError[],
  terms: readonly (Term | undefined)[] = [],
): void {
  const check = (e: Expr): void => {
    for (const w of e.with) {
      const err = targetError(root, w);
      if (err) errors.push(err);
    }
  };
  eachExpr(body, check);
  for (const t of terms) if (t) walkTerm(t, (x) => closureExprs(x, check), false);
}

/** `checkWithTargets` over a rule, its head and its else chain. */
export function checkWithInRule(root: RuleNode, rule: Rule, errors: RegoError[]): void {
  checkWithTargets(root, rule.body, errors, [rule.head.value, rule.head.key, ...rule.head.ref.terms]);
  if (rule.elseRule) checkWithInRule(root, rule.elseRule, errors);
}
