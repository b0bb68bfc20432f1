/**
 * @module Compile stage helper: the types of rules whose value is known statically (`limit := 10`,
 * `roles := {"admin", "dev"}`, `label := sprintf(…)`), so that a ref to such a rule is type-checked like
 * a literal, as OPA's checker does with the types it infers per rule. Compile layer.
 */
import type { Body, Rule, Term } from '../../ast/index.js';
import { walkBody } from '../term-walk.js';
import { allRules, type CompiledRule, type RuleNode } from '../types.js';
import { assignedTypes, renderType, type StaticType, type TypeEnv, typeOfTerm } from './static-types.js';

function definitions(rule: Rule): Rule[] {
  const out: Rule[] = [];
  for (let r: Rule | undefined = rule; r; r = r.elseRule) out.push(r);
  return out;
}

/** Every `with` target path into data (`data.a.p`): a rule replaced somewhere can hold any value. */
function mockedPaths(rules: readonly CompiledRule[]): Set<string> {
  const out = new Set<string>();
  for (const cr of rules) for (const r of definitions(cr.rule)) collectWith(r.body, out);
  return out;
}

function collectWith(body: Body, out: Set<string>): void {
  for (const e of body) {
    for (const w of e.with) {
      const terms: readonly Term[] = w.target.type === 'ref' ? w.target.terms : [w.target];
      if (terms[0]?.type !== 'var' || terms[0].name !== 'data') continue;
      const parts = ['data'];
      for (const t of terms.slice(1)) {
        if (t.type !== 'string') break;
        parts.push(t.value);
      }
      out.add(parts.join('.'));
    }
    if (e.kind.type === 'every') collectWith(e.kind.body, out);
    walkBody([e], (t) => {
      if (t.type === 'arraycomp' || t.type === 'setcomp' || t.type === 'objectcomp') collectWith(t.body, out);
    });
  }
}

/** One definition's value type (multi-value rules: its key's type). */
function definitionType(cr: CompiledRule, r: Rule, env: TypeEnv): StaticType | undefined {
  const local = assignedTypes(r.body, [r.head.value, r.head.key], env);
  const t = cr.kind === 'multi' ? r.head.key : r.head.value;
  return t && typeOfTerm(t, local);
}

/**
 * Types of complete and multi-value rules (a set of their keys' type), keyed by dotted path. A rule is
 * typed only when every definition (else branches and default included) has a known type; differing
 * types make a union.
 * Rules a `with` replaces somewhere are left out.
 */
export function ruleTypes(root: RuleNode): Map<string, StaticType> {
  const rules = [...allRules(root)];
  const mocked = mockedPaths(rules);
  const byPath = new Map<string, CompiledRule[]>();
  for (const cr of rules) {
    if ((cr.kind !== 'complete' && cr.kind !== 'multi') || cr.rest.length > 0) continue;
    const path = `data.${cr.path.join('.')}`;
    // Replaced itself, inside, or as part of an enclosing document.
    if ([...mocked].some((m) => m === path || path.startsWith(`${m}.`) || m.startsWith(`${path}.`))) continue;
    byPath.set(path, [...(byPath.get(path) ?? []), cr]);
  }
  const env = new Map<string, StaticType>();
  // Rules referring to typed rules get their types on a later round; each round types at least one more.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [path, crs] of byPath) {
      if (env.has(path)) continue;
      const kinds = new Set(crs.map((c) => c.kind));
      if (kinds.size !== 1) continue;
      const types: StaticType[] = [];
      let known = true;
      for (const cr of crs) {
        for (const r of definitions(cr.rule)) {
          const t = definitionType(cr, r, env);
          if (t === undefined) known = false;
          else types.push(t);
        }
      }
      if (!known || types.length === 0) continue;
      const distinct = types.filter((t, i) => types.findIndex((u) => renderType(u) === renderType(t)) === i);
      const one = distinct.length === 1 ? distinct[0]! : { type: 'any', of: distinct };
      env.set(path, kinds.has('multi') ? { type: 'set', of: one } : one);
      changed = true;
    }
  }
  return env;
}
