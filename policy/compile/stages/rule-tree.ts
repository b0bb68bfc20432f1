/**
 * @module Compile stage: place every rule at its path in the data tree (merging packages across files)
 * and report conflicting definitions as OPA does — mixed rule kinds, multiple defaults, function arity.
 */
import type { Module, RegoError, Rule, Term } from '../../ast/index.js';
import type { CompiledRule, RuleKind, RuleNode } from '../types.js';

export function newNode(key: string): RuleNode {
  return { key, rules: [], children: new Map() };
}

/** The package path as strings (`data.a.b` → ['a','b']). */
export function packagePath(m: Module): string[] {
  return m.pkg.path.terms.slice(1).map((t) => (t.type === 'string' ? t.value : ''));
}

export function ruleKind(rule: Rule): RuleKind {
  if (rule.head.args) return 'function';
  if (rule.head.key !== undefined) return 'multi';
  return rule.head.ref.terms.slice(1).some((t) => t.type !== 'string') ? 'object' : 'complete';
}

/** Split a head ref into the ground prefix (after the package) and the rest. */
export function headPath(rule: Rule): { ground: string[]; rest: Term[] } {
  const terms = rule.head.ref.terms;
  const ground = [(terms[0] as { name: string }).name];
  let i = 1;
  for (; i < terms.length; i++) {
    const t = terms[i]!;
    if (t.type !== 'string') break;
    ground.push(t.value);
  }
  return { ground, rest: terms.slice(i) };
}

/** Build the data tree from compiled modules. */
export function buildRuleTree(
  modules: readonly Module[],
  fileIndex: (m: Module) => number,
): { root: RuleNode; errors: RegoError[] } {
  const root = newNode('data');
  const errors: RegoError[] = [];
  for (const m of modules) {
    const pkg = packagePath(m);
    // A package exists in the data document (as an object) even when it has no rules.
    let pkgNode = root;
    for (const k of pkg) {
      let c = pkgNode.children.get(k);
      if (!c) {
        c = newNode(k);
        pkgNode.children.set(k, c);
      }
      pkgNode = c;
    }
    for (const rule of m.rules) {
      const { ground, rest } = headPath(rule);
      let kind = ruleKind(rule);
      // `p.q.r contains x`: the ground path includes every string part.
      const path = [...pkg, ...ground];
      // `p[x].q contains y`: an object whose leaves are sets.
      if (kind === 'multi' && rest.length > 0) kind = 'object';
      let node = root;
      for (const k of path) {
        let c = node.children.get(k);
        if (!c) {
          c = newNode(k);
          node.children.set(k, c);
        }
        node = c;
      }
      const cr: CompiledRule = { path, rest, kind, rule, module: m, fileIndex: fileIndex(m) };
      node.rules.push(cr);
    }
  }
  hoistUnderDynamic(root);
  checkConflicts(root, [], errors);
  return { root, errors };
}

/**
 * A node with a rule whose head continues with a variable (`p.q[x] := …`) owns its whole subtree, as in
 * OPA: every rule below it (`p.q.r := 1`) becomes an object insert at a static key path of that node's
 * function, so the node's document is built in one place and overlapping definitions conflict.
 */
function hoistUnderDynamic(node: RuleNode): void {
  if (node.rules.some((r) => r.kind === 'object') && node.children.size > 0) {
    const collect = (n: RuleNode, suffix: string[]) => {
      for (const [k, c] of n.children) {
        const sub = [...suffix, k];
        for (const r of c.rules) {
          const loc = r.rule.head.loc;
          const rest = [...sub.map((v) => ({ type: 'string' as const, value: v, loc })), ...r.rest];
          node.rules.push({
            ...r,
            path: node.rules[0]!.path,
            rest,
            kind: r.kind === 'function' ? 'function' : 'object',
          });
        }
        collect(c, sub);
      }
    };
    collect(node, []);
    node.children.clear();
    return;
  }
  for (const c of node.children.values()) hoistUnderDynamic(c);
}

function err(message: string, rule: Rule): RegoError {
  return {
    code: 'rego_type_error',
    message,
    location: { file: rule.loc.file, row: rule.loc.row, col: rule.loc.col },
  };
}

function checkConflicts(node: RuleNode, path: string[], errors: RegoError[]): void {
  const rules = node.rules;
  if (rules.length > 0) {
    const name = ['data', ...path].join('.');
    const kinds = new Set(rules.map((r) => (r.kind === 'object' && r.rest.length > 0 ? 'object' : r.kind)));
    const first = rules[0]!;
    if (kinds.size > 1) {
      errors.push({ ...err(`conflicting rules ${name} found`, first.rule), code: 'rego_type_error' });
    }
    const defaults = rules.filter((r) => r.rule.isDefault);
    if (defaults.length > 1)
      errors.push({
        ...err(`multiple default rules ${name} found`, defaults[1]!.rule),
        code: 'rego_type_error',
      });
    const arities = new Set(rules.filter((r) => r.kind === 'function').map((r) => r.rule.head.args!.length));
    if (arities.size > 1)
      errors.push({ ...err(`conflicting rules ${name} found`, first.rule), code: 'rego_type_error' });
    if (
      node.children.size > 0 &&
      rules.some((r) => r.kind === 'complete' || r.kind === 'function' || r.kind === 'multi')
    ) {
      const child = [...node.children.values()][0]!;
      const childRule = firstRule(child);
      if (childRule)
        errors.push({
          ...err(`rule ${name} conflicts with [${['data', ...path, child.key].join('.')}]`, childRule.rule),
          code: 'rego_type_error',
        });
    }
  }
  for (const [k, c] of node.children) checkConflicts(c, [...path, k], errors);
}

function firstRule(node: RuleNode): CompiledRule | undefined {
  if (node.rules.length > 0) return node.rules[0];
  for (const c of node.children.values()) {
    const r = firstRule(c);
    if (r) return r;
  }
  return undefined;
}
