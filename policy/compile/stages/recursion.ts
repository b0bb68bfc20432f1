/**
 * @module Compile stage: recursion detection. Builds the graph of rules referring to rules (through
 * `data` refs and calls) and reports every cycle as OPA's rego_recursion_error.
 */
import type { RegoError, Rule, Term } from '../../ast/index.js';
import { walkBody, walkTerm } from '../term-walk.js';
import { allRules, type CompiledRule, type RuleNode } from '../types.js';

/** Rules a ref may evaluate: the first rule node along its path; a variable key matches every child. */
function targets(root: RuleNode, terms: readonly Term[]): CompiledRule[] {
  const walk = (node: RuleNode, i: number, depth: number): CompiledRule[] => {
    if (node.rules.length > 0 && depth > 0) return node.rules;
    if (i >= terms.length) return [...allRules(node)];
    const t = terms[i]!;
    if (t.type === 'string') {
      const c = node.children.get(t.value);
      return c ? walk(c, i + 1, depth + 1) : [];
    }
    // A number or boolean key can never name a rule (package and rule names are strings).
    if (t.type === 'number' || t.type === 'boolean' || t.type === 'null') return [];
    if (t.type === 'var') return [...node.children.values()].flatMap((c) => walk(c, i + 1, depth + 1));
    return [...allRules(node)];
  };
  return walk(root, 1, 0);
}

function deps(root: RuleNode, rule: Rule): Set<string> {
  const out = new Set<string>();
  const visit = (t: Term) => {
    const ref = t.type === 'ref' ? t : t.type === 'call' ? t.op : undefined;
    if (ref?.terms[0]?.type === 'var' && ref.terms[0].name === 'data') {
      for (const r of targets(root, ref.terms)) out.add(r.path.join('.'));
    }
  };
  for (let r: Rule | undefined = rule; r; r = r.elseRule) {
    walkBody(r.body, visit);
    for (const t of [r.head.value, r.head.key, ...(r.head.args ?? []), ...r.head.ref.terms])
      if (t) walkTerm(t, visit);
    for (const e of r.body) for (const w of e.with) walkTerm(w.target, visit);
  }
  return out;
}

export function checkRecursion(root: RuleNode): RegoError[] {
  const graph = new Map<string, { rule: CompiledRule; deps: Set<string> }>();
  for (const r of allRules(root)) {
    const key = r.path.join('.');
    const entry = graph.get(key) ?? { rule: r, deps: new Set<string>() };
    for (const d of deps(root, r.rule)) entry.deps.add(d);
    graph.set(key, entry);
  }
  const errors: RegoError[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (k: string) => {
    state.set(k, 'visiting');
    stack.push(k);
    for (const d of graph.get(k)?.deps ?? []) {
      if (state.get(d) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(d)), d];
        const r = graph.get(d)!.rule;
        if (!reported.has(d)) {
          reported.add(d);
          errors.push({
            code: 'rego_recursion_error',
            message: `rule data.${d} is recursive: ${cycle.map((c) => `data.${c}`).join(' -> ')}`,
            location: { file: r.rule.loc.file, row: r.rule.loc.row, col: r.rule.loc.col },
          });
        }
      } else if (!state.has(d) && graph.has(d)) visit(d);
    }
    stack.pop();
    state.set(k, 'done');
  };
  for (const k of graph.keys()) if (!state.has(k)) visit(k);
  return errors;
}
