/**
 * @module Canonical keys for values, so objects and sets can index any key type in a JS `Map`. Value layer.
 * Two values get the same key exactly when they are equal.
 */
import type { ArrayValue, BigNum, ObjectLike, SetLike, Value } from './value.js';

/** What objects and sets index by: primitives as themselves, anything else as a tagged canonical string. */
export type HashKey = string | number | boolean | null;

// Composite keys start with this character; strings that happen to start with it are encoded too.
const TAG = '\u0001';

/**
 * The Map key of a value. Strings, doubles, booleans and null are their own key (no allocation on the hot
 * path); arrays, objects, sets and big numbers map to `TAG + canonical(v)`.
 */
export function hashKey(v: Value): HashKey {
  switch (typeof v) {
    case 'string':
      return v.length > 0 && v.charCodeAt(0) === 1 ? TAG + canonical(v) : v;
    case 'number':
      return v === 0 ? 0 : v; // -0 and 0 are the same Rego number
    case 'boolean':
      return v;
    default:
      return v === null ? null : TAG + canonical(v);
  }
}

/**
 * An injective text encoding of a value, equal for equal values: objects by sorted keys, sets by sorted
 * items, strings length-prefixed so no separator needs escaping.
 */
export function canonical(v: Value): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      return `n${v === 0 ? 0 : v}`;
    case 'boolean':
      return v ? 't' : 'f';
    default:
      if (v === null) return 'z';
      if (Array.isArray(v)) return canonicalArray(v);
      if (v.kind === 'number') return `n${(v as BigNum).decimal.toString()}`;
      return (v as ObjectLike | SetLike).canonical();
  }
}

function canonicalArray(a: ArrayValue): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ',';
    out += canonical(a[i] as Value);
  }
  return `${out}]`;
}
