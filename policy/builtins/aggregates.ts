/**
 * @module Aggregate builtins (`count sum product max min sort`) and the membership operators behind `in`
 * (`internal.member_2`, `internal.member_3`).
 */
import {
  compare,
  Decimal,
  equal,
  isIntegral,
  isNumber,
  numberFromBigInt,
  numberFromDecimal,
  ObjectValue,
  type RegoNumber,
  SetValue,
  toDecimal,
  type Value,
} from '../value/index.js';
import { elementError, operandError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { bigIntOf } from './operands.js';

function count(args: readonly Value[]): Value {
  const v = args[0] as Value;
  if (typeof v === 'string') {
    // Code points, as Go's len([]rune(s)).
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  if (Array.isArray(v)) return v.length;
  if (v instanceof ObjectValue || v instanceof SetValue) return v.size;
  throw operandError(1, v, 'array', 'object', 'set', 'string');
}

function numbersOf(v: Value): readonly RegoNumber[] {
  const items = Array.isArray(v) ? v : v instanceof SetValue ? v.items() : undefined;
  if (items === undefined) throw operandError(1, v, 'set', 'array');
  for (const x of items) if (!isNumber(x)) throw elementError(1, v, x, 'number');
  return items as readonly RegoNumber[];
}

/** Exact over integers of any size; decimal otherwise. */
function fold(
  v: Value,
  init: bigint,
  intOp: (a: bigint, b: bigint) => bigint,
  decOp: (a: Decimal, b: Decimal) => Decimal,
): Value {
  const items = numbersOf(v);
  if (items.every(isIntegral)) {
    let acc = init;
    for (const x of items) acc = intOp(acc, bigIntOf(x) as bigint);
    return numberFromBigInt(acc);
  }
  let acc = new Decimal(init.toString());
  for (const x of items) acc = decOp(acc, toDecimal(x));
  return numberFromDecimal(acc);
}

function sum(args: readonly Value[]): Value {
  const v = args[0] as Value;
  if (Array.isArray(v)) {
    // Fast path: small integers in plain doubles.
    let s = 0;
    let fast = true;
    for (const x of v) {
      if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
        fast = false;
        break;
      }
      s += x;
    }
    if (fast && Number.isSafeInteger(s)) return s;
  }
  return fold(
    v,
    0n,
    (a, b) => a + b,
    (a, b) => a.plus(b),
  );
}

function product(args: readonly Value[]): Value {
  return fold(
    args[0] as Value,
    1n,
    (a, b) => a * b,
    (a, b) => a.times(b),
  );
}

function collection(v: Value): readonly Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return v.items();
  throw operandError(1, v, 'set', 'array');
}

function max(args: readonly Value[]): Value | undefined {
  const items = collection(args[0] as Value);
  if (items.length === 0) return undefined;
  let m = items[0] as Value;
  for (const x of items) if (compare(m, x) <= 0) m = x;
  return m;
}

function min(args: readonly Value[]): Value | undefined {
  const items = collection(args[0] as Value);
  if (items.length === 0) return undefined;
  let m = items[0] as Value;
  for (const x of items) if (compare(m, x) >= 0) m = x;
  return m;
}

function sort(args: readonly Value[]): Value {
  const v = args[0] as Value;
  if (Array.isArray(v)) return [...v].sort(compare);
  if (v instanceof SetValue) return [...v.items()];
  throw operandError(1, v, 'set', 'array');
}

/** `x in c`: set membership, array element, object value; false for anything else. */
function member2(args: readonly Value[]): Value {
  const x = args[0] as Value;
  const c = args[1] as Value;
  if (c instanceof SetValue) return c.has(x);
  if (Array.isArray(c)) return c.some((e) => equal(e, x));
  if (c instanceof ObjectValue) return c.values().some((e) => equal(e, x));
  return false;
}

/** `k, v in c`: `c[k] == v` for arrays and objects; for sets, `k == v` and `k` in the set. */
function member3(args: readonly Value[]): Value {
  const k = args[0] as Value;
  const v = args[1] as Value;
  const c = args[2] as Value;
  if (c instanceof SetValue) return c.has(k) && equal(k, v);
  if (c instanceof ObjectValue) {
    const got = c.get(k);
    return got !== undefined && equal(got, v);
  }
  if (Array.isArray(c)) {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= c.length) return false;
    return equal(c[k] as Value, v);
  }
  return false;
}

export const aggregateBuiltins: ImplTable = {
  count,
  sum,
  product,
  max,
  min,
  sort,
  'internal.member_2': member2,
  'internal.member_3': member3,
};
