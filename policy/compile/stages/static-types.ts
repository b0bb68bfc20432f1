/**
 * @module Compile stage helper: the static types of terms, in the JSON form of OPA's type declarations
 * (`{type: "array", static: [...]}`), OPA's rendering of them, and a conservative `unifies`. Compile layer.
 *
 * A term's type is `undefined` when only evaluation can tell, and `undefined` unifies with everything, so
 * nothing OPA accepts is rejected: only facts the source states (literals, composites of them, builtin
 * results, variables assigned exactly one of those) take part.
 */
import type { Body, Term } from '../../ast/index.js';
import { opName } from '../../ast/index.js';
import { builtinInfo } from '../builtin-info.js';
import { walkBody, walkTerm } from '../term-walk.js';

/** One OPA type in its declaration JSON form; `name` is an argument's name (not part of the type). */
export type StaticType = Readonly<Record<string, unknown>> & { readonly type: string };

/** Variables of one rule (or query) whose type is known; rule types under their dotted paths. */
export interface TypeEnv {
  get(name: string): StaticType | undefined;
}

const EMPTY: TypeEnv = new Map<string, StaticType>();

const ANY: StaticType = { type: 'any' };
const SCALARS = new Set(['null', 'boolean', 'number', 'string']);
const COMPOSITES = new Set(['array', 'set', 'object']);

function union(types: readonly (StaticType | undefined)[]): StaticType | undefined {
  const out: StaticType[] = [];
  for (const t of types) {
    if (t === undefined) return undefined;
    if (!out.some((o) => renderType(o) === renderType(t))) out.push(t);
  }
  if (out.length === 0) return undefined;
  return out.length === 1 ? out[0] : { type: 'any', of: out };
}

/** The type of `t`, or undefined when it is only known at evaluation. */
export function typeOfTerm(t: Term, env: TypeEnv): StaticType | undefined {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return { type: t.type };
    case 'template':
      return { type: 'string' };
    case 'var':
      return env.get(t.name);
    case 'array': {
      const items = t.items.map((i) => typeOfTerm(i, env) ?? ANY);
      return items.length === 0 ? { type: 'array', dynamic: ANY } : { type: 'array', static: items };
    }
    case 'set':
      return {
        type: 'set',
        of: t.items.length === 0 ? ANY : (union(t.items.map((i) => typeOfTerm(i, env))) ?? ANY),
      };
    case 'object': {
      // Only string-keyed literals get per-key types; other keys make the object's shape a runtime matter.
      if (!t.entries.every(([k]) => k.type === 'string'))
        return { type: 'object', dynamic: { key: ANY, value: ANY } };
      const fields = t.entries.map(([k, v]) => ({
        key: (k as { value: string }).value,
        value: typeOfTerm(v, env) ?? ANY,
      }));
      return fields.length === 0
        ? { type: 'object', dynamic: { key: ANY, value: ANY } }
        : { type: 'object', static: fields };
    }
    case 'arraycomp':
      return { type: 'array', dynamic: ANY };
    case 'setcomp':
      return { type: 'set', of: ANY };
    case 'objectcomp':
      return { type: 'object', dynamic: { key: ANY, value: ANY } };
    case 'call':
      return builtinInfo(opName(t.op))?.decl?.result as StaticType | undefined;
    case 'ref':
      return refType(t.terms, env);
  }
}

/**
 * A ref into a variable of known type (`x[0]`, `x.a`) or into a rule whose type is known (the env holds
 * it under its dotted path, `data.a.p`, which no variable name can spell). Other refs into data and all
 * refs into input are only known at evaluation.
 */
function refType(terms: readonly Term[], env: TypeEnv): StaticType | undefined {
  const head = terms[0];
  if (head?.type !== 'var') return undefined;
  let start = 1;
  let cur = env.get(head.name);
  if (head.name === 'data') {
    cur = undefined;
    let path = 'data';
    for (let i = 1; i < terms.length; i++) {
      const t = terms[i]!;
      if (t.type !== 'string') break;
      path += `.${t.value}`;
      const found = env.get(path);
      if (found) {
        cur = found;
        start = i + 1;
        break;
      }
    }
  }
  for (const key of terms.slice(start)) {
    if (cur === undefined || cur.type === 'any') return undefined;
    cur = selectType(cur, key);
  }
  return cur;
}

function selectType(t: StaticType, key: Term): StaticType | undefined {
  switch (t.type) {
    case 'array': {
      const st = t.static as StaticType[] | undefined;
      const dyn = t.dynamic as StaticType | undefined;
      if (st && key.type === 'number' && /^\d+$/.test(key.value)) {
        const i = Number(key.value);
        return i < st.length ? st[i] : dyn;
      }
      return union([...(st ?? []), ...(dyn ? [dyn] : [])]);
    }
    case 'object': {
      const st = t.static as { key: string; value: StaticType }[] | undefined;
      const dyn = t.dynamic as { value: StaticType } | undefined;
      if (st && key.type === 'string') return st.find((f) => f.key === key.value)?.value ?? dyn?.value;
      return undefined;
    }
    case 'set':
      return t.of as StaticType | undefined;
    default:
      return undefined;
  }
}

/** A variable a `:=` defines, and the term it is assigned. */
export type Assignment = readonly [name: string, value: Term];

/**
 * The `:=` assignments of a body, nested bodies included (also those of comprehensions in `extra`, a
 * rule's head terms). Only `:=`: it defines a fresh variable (resolve_refs renames it per scope and
 * rejects a second binding), whereas `x = 1` may merely test an `x` bound elsewhere to a value of any type.
 */
export function assignments(body: Body, extra: readonly (Term | undefined)[] = []): Assignment[] {
  const out: Assignment[] = [];
  const visit = (t: Term): void => {
    if (t.type !== 'call' || t.args.length !== 2) return;
    // resolve_refs turns `:=` into `eq` (keeping the infix); before it, the op is `assign`.
    const op = opName(t.op);
    if (op !== 'assign' && !(op === 'eq' && t.infix === ':=')) return;
    const [a, b] = t.args as [Term, Term];
    if (a.type === 'var') out.push([a.name, b]);
  };
  walkBody(body, visit);
  for (const t of extra) if (t) walkTerm(t, visit);
  return out;
}

/**
 * `outer` (rule types) plus the types of the assigned variables whose term has one. `outer` is looked
 * through, not copied: ruleTypes calls this for every definition on every round.
 */
export function typeAssignments(pending: readonly Assignment[], outer: TypeEnv = EMPTY): TypeEnv {
  if (pending.length === 0) return outer;
  const own = new Map<string, StaticType>();
  const env: TypeEnv = { get: (name) => own.get(name) ?? outer.get(name) };
  // Repeat while something new is typed, so `y := x[0]` is typed whatever the order of the two.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, term] of pending) {
      if (own.has(name)) continue;
      const tpe = typeOfTerm(term, env);
      if (tpe !== undefined) {
        own.set(name, tpe);
        changed = true;
      }
    }
  }
  return env;
}

/** Types of the variables a body declares with `:=` from a typed term, over `outer` (see assignments). */
export function assignedTypes(
  body: Body,
  extra: readonly (Term | undefined)[] = [],
  outer: TypeEnv = EMPTY,
): TypeEnv {
  return typeAssignments(assignments(body, extra), outer);
}

function isOpenAny(t: StaticType): boolean {
  const of = t.of as StaticType[] | undefined;
  return t.type === 'any' && (!of || of.length === 0);
}

/** False only when no value of `a` can be a value of `b` (OPA's types.unifies, leaning to true). */
export function unifies(a: StaticType | undefined, b: StaticType | undefined): boolean {
  if (a === undefined || b === undefined || isOpenAny(a) || isOpenAny(b)) return true;
  if (a.type === 'any') return (a.of as StaticType[]).some((x) => unifies(x, b));
  if (b.type === 'any') return (b.of as StaticType[]).some((x) => unifies(a, x));
  if (SCALARS.has(a.type) || SCALARS.has(b.type)) return a.type === b.type;
  if (a.type !== b.type) return !(COMPOSITES.has(a.type) && COMPOSITES.has(b.type));
  switch (a.type) {
    case 'array':
      return arraysUnify(a, b);
    case 'set':
      return unifies(a.of as StaticType | undefined, b.of as StaticType | undefined);
    case 'object':
      return objectsUnify(a, b) && objectsUnify(b, a);
    default:
      return true;
  }
}

function arraysUnify(a: StaticType, b: StaticType): boolean {
  const sa = a.static as StaticType[] | undefined;
  const sb = b.static as StaticType[] | undefined;
  const da = a.dynamic as StaticType | undefined;
  const db = b.dynamic as StaticType | undefined;
  if (sa && sb && !da && !db && sa.length !== sb.length) return false;
  const n = Math.max(sa?.length ?? 0, sb?.length ?? 0);
  for (let i = 0; i < n; i++) {
    const x = sa?.[i] ?? da;
    const y = sb?.[i] ?? db;
    if (x && y && !unifies(x, y)) return false;
  }
  return !da || !db || unifies(da, db);
}

/**
 * Every field of `a` fits `b`: the same key's type, else `b`'s dynamic part. A key `b` lacks is not held
 * against `a`: declarations list optional fields statically (`json.marshal_with_options`' opts), and OPA
 * checks a literal object key by key.
 */
function objectsUnify(a: StaticType, b: StaticType): boolean {
  const fa = (a.static as { key: string; value: StaticType }[] | undefined) ?? [];
  const sb = b.static as { key: string; value: StaticType }[] | undefined;
  const db = b.dynamic as { key: StaticType; value: StaticType } | undefined;
  for (const f of fa) {
    const other = sb?.find((g) => g.key === f.key);
    if (other) {
      if (!unifies(f.value, other.value)) return false;
    } else if (db && (!unifies({ type: 'string' }, db.key) || !unifies(f.value, db.value))) return false;
  }
  const da = a.dynamic as { key: StaticType; value: StaticType } | undefined;
  return !da || !db || (unifies(da.key, db.key) && unifies(da.value, db.value));
}

/** OPA's rendering of a type: `string`, `array[any]`, `array<number, string>`, `object[string: any]`, `any<…>`. */
export function renderType(d: StaticType | undefined): string {
  if (!d?.type) return 'any';
  switch (d.type) {
    case 'any': {
      const of = d.of as StaticType[] | undefined;
      return of && of.length > 0 ? `any<${of.map(renderType).join(', ')}>` : 'any';
    }
    case 'array': {
      const st = d.static as StaticType[] | undefined;
      const dyn = d.dynamic as StaticType | undefined;
      const s = st ? `array<${st.map(renderType).join(', ')}>` : '';
      if (!dyn) return s || 'array[any]';
      return s ? `${s}[${renderType(dyn)}]` : `array[${renderType(dyn)}]`;
    }
    case 'set':
      return `set[${renderType(d.of as StaticType)}]`;
    case 'object': {
      const dyn = d.dynamic as { key: StaticType; value: StaticType } | undefined;
      const st = d.static as { key: string; value: StaticType }[] | undefined;
      const s = st ? `object<${st.map((f) => `${f.key}: ${renderType(f.value)}`).join(', ')}>` : '';
      if (!dyn) return s || 'object';
      const ds = `[${renderType(dyn.key)}: ${renderType(dyn.value)}]`;
      return s ? `${s}${ds}` : `object${ds}`;
    }
    default:
      return d.type;
  }
}
