/**
 * @module Compile stage helper: the types of rules whose value is known statically (`limit := 10`,
 * `roles := {"admin", "dev"}`, `label := sprintf(…)`), so that a ref to such a rule is type-checked like
 * a literal, as OPA's checker does with the types it infers per rule. Compile layer.
 */
import type { Body, Rule, Term } from '../../ast/index.js';
import { walkBody } from '../term-walk.js';
import { allRules, type CompiledRule, type RuleNode } from '../types.js';
import {
  type Assignment,
  assignments,
  renderType,
  type StaticType,
  type TypeEnv,
  typeAssignments,
  typeOfTerm,
} from './static-types.js';

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

/** One definition of a rule: its `:=` assignments (collected once) and the term whose type it has. */
interface Definition {
  readonly pending: readonly Assignment[];
  /** The value (multi-value rules: the key). */
  readonly term: Term | undefined;
}

function definitionOf(cr: CompiledRule, r: Rule): Definition {
  return {
    pending: assignments(r.body, [r.head.value, r.head.key]),
    term: cr.kind === 'multi' ? r.head.key : r.head.value,
  };
}

/** The types of every definition, or undefined as soon as one has none. */
function definitionTypes(defs: readonly Definition[], env: TypeEnv): StaticType[] | undefined {
  const out: StaticType[] = [];
  for (const d of defs) {
    const t = d.term && typeOfTerm(d.term, typeAssignments(d.pending, env));
    if (t === undefined) return undefined;
    out.push(t);
  }
  return out;
}

/**
 * Types of complete and multi-value rules (a set of their keys' type), keyed by dotted path. A rule is
 * typed only when every definition (else branches and default included) has a known type; differing
 * types make a union.
 * Rules a `with` replaces somewhere are left out.
 */
export function ruleTypes(root: RuleNode): Map<string, StaticType> {
  const rules = [...allRules(root)];
  const mocked = [...mockedPaths(rules)];
  const byPath = new Map<string, { kinds: Set<string>; defs: Definition[] }>();
  for (const cr of rules) {
    if ((cr.kind !== 'complete' && cr.kind !== 'multi') || cr.rest.length > 0) continue;
    const path = `data.${cr.path.join('.')}`;
    // Replaced itself, inside, or as part of an enclosing document.
    if (mocked.some((m) => m === path || path.startsWith(`${m}.`) || m.startsWith(`${path}.`))) continue;
    const entry = byPath.get(path) ?? { kinds: new Set<string>(), defs: [] };
    entry.kinds.add(cr.kind);
    // Each definition's body is walked once here, not on every round below.
    for (const r of definitions(cr.rule)) entry.defs.push(definitionOf(cr, r));
    byPath.set(path, entry);
  }
  const env = new Map<string, StaticType>();
  // Rules referring to typed rules get their types on a later round; each round types at least one more.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [path, { kinds, defs }] of byPath) {
      if (env.has(path) || kinds.size !== 1) continue;
      const types = definitionTypes(defs, env);
      if (types === undefined || types.length === 0) continue;
      const distinct = new Map<string, StaticType>();
      for (const t of types) {
        const key = renderType(t);
        if (!distinct.has(key)) distinct.set(key, t);
      }
      const one = distinct.size === 1 ? types[0]! : { type: 'any', of: [...distinct.values()] };
      env.set(path, kinds.has('multi') ? { type: 'set', of: one } : one);
      changed = true;
    }
  }
  return env;
}
