/**
 * @module Renders a parsed module as OPA's AST JSON (the value `rego.parse_module` returns):
 * `{package, imports, rules}` with terms as `{type, value}`. AST layer; plain JSON out.
 */
import type { RegoError } from './errors.js';
import type { Body, Expr, Module, Rule, Term } from './nodes.js';
import { parseModule } from './parser.js';

/**
 * A number term's literal as written. Kept as text so a consumer can build the exact value (OPA's AST
 * JSON carries `json.Number` text); `JSON.stringify` renders it as the nearest double.
 */
export class NumberLiteral {
  constructor(readonly text: string) {}

  toJSON(): number {
    return Number(this.text);
  }
}

/** OPA's AST JSON, with number terms' values as `NumberLiteral`s. */
export type Json = null | boolean | number | string | NumberLiteral | Json[] | { [k: string]: Json };

function name(t: Term): string {
  return t.type === 'var' ? (t.name.startsWith('$_') ? '_' : t.name) : '';
}

export function termJson(t: Term): Json {
  switch (t.type) {
    case 'null':
      return { type: 'null', value: null };
    case 'boolean':
      return { type: 'boolean', value: t.value };
    case 'number':
      return { type: 'number', value: new NumberLiteral(t.value) };
    case 'string':
      return { type: 'string', value: t.value };
    case 'var':
      return { type: 'var', value: name(t) };
    case 'ref':
      return { type: 'ref', value: t.terms.map(termJson) };
    case 'array':
      return { type: 'array', value: t.items.map(termJson) };
    case 'set':
      return { type: 'set', value: t.items.map(termJson) };
    case 'object':
      return { type: 'object', value: t.entries.map(([k, v]) => [termJson(k), termJson(v)]) };
    case 'call':
      return { type: 'call', value: [termJson(t.op), ...t.args.map(termJson)] };
    case 'arraycomp':
      return { type: 'arraycomprehension', value: { term: termJson(t.term), body: bodyJson(t.body) } };
    case 'setcomp':
      return { type: 'setcomprehension', value: { term: termJson(t.term), body: bodyJson(t.body) } };
    case 'objectcomp':
      return {
        type: 'objectcomprehension',
        value: { key: termJson(t.key), value: termJson(t.value), body: bodyJson(t.body) },
      };
    case 'template':
      return {
        type: 'templatestring',
        value: t.parts.map((p) => (typeof p === 'string' ? { type: 'string', value: p } : termJson(p))),
      };
  }
}

function exprJson(e: Expr, index: number): Json {
  const k = e.kind;
  let terms: Json;
  switch (k.type) {
    case 'term':
      terms = k.term.type === 'call' ? [termJson(k.term.op), ...k.term.args.map(termJson)] : termJson(k.term);
      break;
    case 'some':
      terms = { symbols: k.vars.map(termJson) };
      break;
    case 'somein':
      terms = {
        symbols: [
          {
            type: 'call',
            value: [
              {
                type: 'ref',
                value: [
                  { type: 'var', value: 'internal' },
                  { type: 'string', value: k.key ? 'member_3' : 'member_2' },
                ],
              },
              ...(k.key ? [termJson(k.key)] : []),
              termJson(k.value),
              termJson(k.collection),
            ],
          },
        ],
      };
      break;
    case 'every':
      terms = {
        ...(k.key ? { key: termJson(k.key) } : {}),
        value: termJson(k.value),
        domain: termJson(k.domain),
        body: bodyJson(k.body),
      };
      break;
  }
  const out: { [k: string]: Json } = { index, terms };
  if (e.negated) out.negated = true;
  if (e.with.length > 0)
    out.with = e.with.map((w) => ({ target: termJson(w.target), value: termJson(w.value) }));
  return out;
}

function bodyJson(b: Body): Json {
  return b.map(exprJson);
}

function ruleJson(r: Rule): Json {
  const h = r.head;
  const head: { [k: string]: Json } = { name: name(h.ref.terms[0]!), ref: h.ref.terms.map(termJson) };
  if (h.args) head.args = h.args.map(termJson);
  if (h.key) head.key = termJson(h.key);
  if (h.value) head.value = termJson(h.value);
  if (h.assign) head.assign = true;
  const out: { [k: string]: Json } = { body: bodyJson(r.body), head };
  if (r.isDefault) out.default = true;
  if (r.elseRule) out.else = ruleJson(r.elseRule);
  if (r.annotations) out.annotations = r.annotations as Json;
  return out;
}

export function moduleJson(m: Module): Json {
  return {
    package: { path: m.pkg.path.terms.map(termJson) },
    ...(m.imports.length > 0
      ? {
          imports: m.imports.map((i) => ({ path: termJson(i.path), ...(i.alias ? { alias: i.alias } : {}) })),
        }
      : {}),
    ...(m.rules.length > 0 ? { rules: m.rules.map(ruleJson) } : {}),
  };
}

/** Parse `source` and render it as OPA's AST JSON (for `rego.parse_module`). */
export function parseModuleToOpaJson(
  filename: string,
  source: string,
  opts: { v0Compatible?: boolean } = {},
): { ok: true; json: Json } | { ok: false; errors: RegoError[] } {
  const r = parseModule(filename, source, opts);
  if (!r.module) return { ok: false, errors: r.errors };
  return { ok: true, json: moduleJson(r.module) };
}
