/**
 * @module Object builtins: `object.union object.union_n object.remove object.filter object.get object.keys
 * object.subset`. Results are new objects; operands are never changed.
 */
import { compare, equal, ObjectValue, SetValue, type Value } from '../value/index.js';
import { BuiltinError, elementError, operandError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { array, object } from './operands.js';

/** Recursive merge: keys of `b` win, except that two objects under the same key are merged. */
export function mergeObjects(a: ObjectValue, b: ObjectValue): ObjectValue {
  const out = a.clone();
  for (const [k, v] of b) {
    const existing = out.get(k);
    if (existing instanceof ObjectValue && v instanceof ObjectValue) out.set(k, mergeObjects(existing, v));
    else out.set(k, v);
  }
  return out;
}

function union(args: readonly Value[]): Value {
  const a = object(args, 0);
  const b = object(args, 1);
  return mergeObjects(a, b);
}

function unionN(args: readonly Value[]): Value {
  const list = array(args, 0);
  let acc = new ObjectValue();
  for (const x of list) {
    if (!(x instanceof ObjectValue)) throw elementError(1, list, x, 'object');
    acc = mergeObjects(acc, x);
  }
  return acc;
}

/** The keys named by operand 2: an array's elements, a set's members or an object's keys. */
function keyParam(v: Value): SetValue {
  if (Array.isArray(v)) return SetValue.from(v);
  if (v instanceof SetValue) return v;
  if (v instanceof ObjectValue) return SetValue.from(v.keys());
  throw operandError(2, v, 'object', 'set', 'array');
}

function remove(args: readonly Value[]): Value {
  const o = object(args, 0);
  const keys = keyParam(args[1] as Value);
  const out = new ObjectValue();
  for (const [k, v] of o) if (!keys.has(k)) out.set(k, v);
  return out;
}

function filter(args: readonly Value[]): Value {
  const o = object(args, 0);
  const keys = keyParam(args[1] as Value);
  const out = new ObjectValue();
  for (const k of keys.items()) {
    const v = o.get(k);
    if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** Follow `path` through objects (by key), arrays (by integer index) and sets (by member). */
function find(v: Value, path: readonly Value[]): Value | undefined {
  let cur: Value = v;
  for (const seg of path) {
    if (cur instanceof ObjectValue) {
      const next = cur.get(seg);
      if (next === undefined) return undefined;
      cur = next;
    } else if (Array.isArray(cur)) {
      if (typeof seg !== 'number' || !Number.isInteger(seg) || seg < 0 || seg >= cur.length) return undefined;
      cur = cur[seg] as Value;
    } else if (cur instanceof SetValue) {
      if (!cur.has(seg)) return undefined;
      cur = seg;
    } else {
      return undefined;
    }
  }
  return cur;
}

function get(args: readonly Value[]): Value {
  const o = object(args, 0);
  const key = args[1] as Value;
  const fallback = args[2] as Value;
  if (!Array.isArray(key)) return o.get(key) ?? fallback;
  if (key.length === 0) return o;
  return find(o, key) ?? fallback;
}

function keys(args: readonly Value[]): Value {
  return SetValue.from(object(args, 0).keys());
}

// --- object.subset ---

function objectSubset(sup: ObjectValue, sub: ObjectValue): boolean {
  for (const [k, subV] of sub) {
    const supV = sup.get(k);
    if (supV === undefined) return false;
    if (equal(subV, supV)) continue;
    if (supV instanceof ObjectValue && subV instanceof ObjectValue) {
      if (!objectSubset(supV, subV)) return false;
    } else if (supV instanceof SetValue && subV instanceof SetValue) {
      if (!setSubset(supV, subV)) return false;
    } else if (Array.isArray(supV) && Array.isArray(subV)) {
      if (!arraySubset(supV, subV)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function setSubset(sup: SetValue, sub: SetValue): boolean {
  return sub.items().every((x) => sup.has(x));
}

/** `sub` appears as a contiguous run inside `sup`. */
function arraySubset(sup: readonly Value[], sub: readonly Value[]): boolean {
  if (sub.length > sup.length) return false;
  outer: for (let i = 0; i + sub.length <= sup.length; i++) {
    for (let j = 0; j < sub.length; j++)
      if (compare(sup[i + j] as Value, sub[j] as Value) !== 0) continue outer;
    return true;
  }
  return false;
}

function subset(args: readonly Value[]): Value {
  const sup = args[0] as Value;
  const sub = args[1] as Value;
  if (sup instanceof ObjectValue && sub instanceof ObjectValue) return objectSubset(sup, sub);
  if (sup instanceof SetValue && sub instanceof SetValue) return setSubset(sup, sub);
  if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub);
  if (Array.isArray(sup) && sub instanceof SetValue)
    return sub.items().every((x) => sup.some((y) => equal(x, y)));
  throw new BuiltinError('both arguments object.subset must be of the same type or array and set', {
    kind: 'eval_type_error',
  });
}

export const objectBuiltins: ImplTable = {
  'object.union': union,
  'object.union_n': unionN,
  'object.remove': remove,
  'object.filter': filter,
  'object.get': get,
  'object.keys': keys,
  'object.subset': subset,
};
