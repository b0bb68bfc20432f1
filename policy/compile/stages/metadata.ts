/**
 * @module Compile stage: replace `rego.metadata.rule()` and `rego.metadata.chain()` with the
 * annotations OPA would return for the calling rule (OPA's RewriteRegoMetadataCalls). The values are
 * constants known at compile time: the rule's METADATA block, document-scoped blocks of other rules at
 * the same path, and the package's (and ancestors' `subpackages`) blocks.
 */
import type { Location, Module, Rule, Term } from '../../ast/index.js';
import type { CompileState } from '../compile-state.js';
import { headPath, packagePath } from './rule-tree.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** OPA's normalised form: `scope` filled in, authors and organizations as objects. */
function normalise(raw: Record<string, unknown>, defaultScope: string): Record<string, Json> {
  const out: Record<string, Json> = { ...(raw as Record<string, Json>) };
  out.scope = typeof raw.scope === 'string' ? raw.scope : defaultScope;
  if (Array.isArray(raw.authors)) {
    out.authors = raw.authors.map((a): Json => {
      if (typeof a !== 'string') return a as Json;
      const m = /^(.*?)\s*<([^>]+)>$/.exec(a);
      return m ? { name: m[1]!, email: m[2]! } : { name: a };
    });
  }
  return out;
}

function toTerm(v: Json, loc: Location): Term {
  if (v === null) return { type: 'null', loc };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, loc };
  if (typeof v === 'number') return { type: 'number', value: String(v), loc };
  if (typeof v === 'string') return { type: 'string', value: v, loc };
  if (Array.isArray(v)) return { type: 'array', items: v.map((x) => toTerm(x, loc)), loc };
  return {
    type: 'object',
    entries: Object.entries(v).map(
      ([k, x]) => [{ type: 'string', value: k, loc } as Term, toTerm(x, loc)] as const,
    ),
    loc,
  };
}

function mapTerm(t: Term, fn: (t: Term) => Term | undefined): Term {
  const r = fn(t);
  if (r) return r;
  const m = (x: Term) => mapTerm(x, fn);
  switch (t.type) {
    case 'ref':
      return { ...t, terms: t.terms.map(m) };
    case 'call':
      return { ...t, args: t.args.map(m) };
    case 'array':
    case 'set':
      return { ...t, items: t.items.map(m) };
    case 'object':
      return { ...t, entries: t.entries.map(([a, b]) => [m(a), m(b)] as const) };
    default:
      return t;
  }
}

/** mapTerm(t, rewrite) would replace something: a `rego.metadata` call where mapTerm looks. */
function hasMetadataCall(t: Term): boolean {
  if (isCall(t, 'rego.metadata.rule') || isCall(t, 'rego.metadata.chain')) return true;
  switch (t.type) {
    case 'ref':
      return t.terms.some(hasMetadataCall);
    case 'call':
      return t.args.some(hasMetadataCall);
    case 'array':
    case 'set':
      return t.items.some(hasMetadataCall);
    case 'object':
      return t.entries.some(([a, b]) => hasMetadataCall(a) || hasMetadataCall(b));
    default:
      return false;
  }
}

function callsMetadata(r: Rule): boolean {
  return (
    r.body.some((e) => e.kind.type === 'term' && hasMetadataCall(e.kind.term)) ||
    (r.head.value !== undefined && hasMetadataCall(r.head.value))
  );
}

function isCall(t: Term, name: string): boolean {
  return (
    t.type === 'call' &&
    t.args.length === 0 &&
    t.op.terms.map((p) => (p.type === 'var' ? p.name : p.type === 'string' ? p.value : '')).join('.') === name
  );
}

export function metadataStage(state: CompileState): void {
  const pkgAnn = new Map<string, Record<string, Json>>();
  for (const m of state.modules)
    if (m.annotations) pkgAnn.set(packagePath(m).join('.'), normalise(m.annotations, 'package'));
  const docAnn = new Map<string, Record<string, Json>[]>();
  for (const m of state.modules)
    for (const r of m.rules) {
      const a = r.annotations ? normalise(r.annotations, 'rule') : undefined;
      if (a?.scope !== 'document') continue;
      const key = [...packagePath(m), ...headPath(r).ground].join('.');
      docAnn.set(key, [...(docAnn.get(key) ?? []), a]);
    }
  state.modules = state.modules.map((m): Module => {
    const pkg = packagePath(m);
    const rules = m.rules.map((r): Rule => {
      // As OPA, only rules that call rego.metadata.* are rewritten: copying every other rule's terms
      // cost each compile a walk and a copy of the whole policy.
      if (!callsMetadata(r)) return r;
      const path = [...pkg, ...headPath(r).ground];
      const own = r.annotations ? normalise(r.annotations, 'rule') : undefined;
      const ruleValue: Json = own ?? {};
      const chain: Json[] = [];
      if (own && own.scope !== 'document') chain.push({ annotations: own, path });
      for (const d of docAnn.get(path.join('.')) ?? []) chain.push({ annotations: d, path });
      if (chain.length === 0) chain.push({ path });
      for (let i = pkg.length; i > 0; i--) {
        const a = pkgAnn.get(pkg.slice(0, i).join('.'));
        if (a && (i === pkg.length || a.scope === 'subpackages'))
          chain.push({ annotations: a, path: pkg.slice(0, i) });
      }
      const rewrite = (t: Term): Term | undefined => {
        if (isCall(t, 'rego.metadata.rule')) return toTerm(ruleValue, t.loc);
        if (isCall(t, 'rego.metadata.chain')) return toTerm(chain, t.loc);
        return undefined;
      };
      const body = r.body.map((e) =>
        e.kind.type === 'term'
          ? { ...e, kind: { type: 'term' as const, term: mapTerm(e.kind.term, rewrite) } }
          : e,
      );
      const head = { ...r.head, ...(r.head.value ? { value: mapTerm(r.head.value, rewrite) } : {}) };
      return { ...r, head, body };
    });
    return { ...m, rules };
  });
}
