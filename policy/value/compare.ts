/**
 * @module OPA's total order over values (v1/ast/term.go Compare) and structural equality. Value layer.
 * Order: null < boolean < number < string < array < object < set; within a type, false < true, numbers by
 * value, strings by code point (Go compares UTF-8 bytes, which orders the same way), arrays and sets
 * lexicographically (sets by sorted elements), objects by sorted key then value, then by size.
 */
import { compareNumbers, numbersEqual } from './number.js';
import type { ArrayValue, BigNum, ObjectLike, SetLike, Value } from './value.js';

/** Rank of a value's type in OPA's sort order. */
function rank(v: Value): number {
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
    default:
      if (v === null) return 0;
      if (Array.isArray(v)) return 6;
      return v.kind === 'number' ? 2 : v.kind === 'object' ? 7 : 8;
  }
}

/**
 * Order strings by Unicode code point. JS `<` compares UTF-16 code units, which puts U+E000–U+FFFF after
 * supplementary characters; remap at the first difference so the order matches Go's byte order.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1;
      return codePointRank(x) < codePointRank(y) ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function codePointRank(c: number): number {
  if (c >= 0xd800 && c <= 0xdfff) return c + 0x2000;
  if (c >= 0xe000) return c - 0x800;
  return c;
}

/** OPA's total order: negative, zero or positive. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === false ? -1 : 1;
    case 2:
      return compareNumbers(a as number | BigNum, b as number | BigNum);
    case 3:
      return compareStrings(a as string, b as string);
    case 6:
      return compareSlices(a as ArrayValue, b as ArrayValue);
    case 7:
      return compareObjects(a as ObjectLike, b as ObjectLike);
    default:
      return compareSlices((a as SetLike).items(), (b as SetLike).items());
  }
}

function compareSlices(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i] as Value, b[i] as Value);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareObjects(a: ObjectLike, b: ObjectLike): number {
  const ak = a.keys();
  const bk = b.keys();
  const av = a.values();
  const bv = b.values();
  const n = Math.min(ak.length, bk.length);
  for (let i = 0; i < n; i++) {
    const kc = compare(ak[i] as Value, bk[i] as Value);
    if (kc !== 0) return kc;
    const vc = compare(av[i] as Value, bv[i] as Value);
    if (vc !== 0) return vc;
  }
  return ak.length < bk.length ? -1 : ak.length > bk.length ? 1 : 0;
}

/** Structural equality (1 == 1.0, sets and objects regardless of insertion order). */
export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // Distinct primitives are unequal, except a double never equals a BigNum anyway (normalised).
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i] as Value, b[i] as Value)) return false;
    return true;
  }
  if (Array.isArray(b) || a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'number':
      return numbersEqual(a, b as BigNum);
    case 'object': {
      const bo = b as ObjectLike;
      if (a.size !== bo.size) return false;
      const keys = a.keys();
      const values = a.values();
      for (let i = 0; i < keys.length; i++) {
        const other = bo.get(keys[i] as Value);
        if (other === undefined || !equal(values[i] as Value, other)) return false;
      }
      return true;
    }
    default: {
      const bs = b as SetLike;
      if (a.size !== bs.size) return false;
      for (const item of a.items()) if (!bs.has(item)) return false;
      return true;
    }
  }
}
