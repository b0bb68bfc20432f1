/**
 * @module Operand accessors shared by the builtin families: each checks one argument's type and throws
 * OPA's `operand N must be T but got U` type error otherwise. Builtins layer.
 */
import {
  type ArrayValue,
  isIntegral,
  isNumber,
  ObjectValue,
  type RegoNumber,
  SetValue,
  toBigInt,
  toDecimal,
  type Value,
} from '../value/index.js';
import { operandError, typeError } from './builtin-error.js';

/** Argument `i` (0-based), which the evaluator guarantees exists. */
export function arg(args: readonly Value[], i: number): Value {
  return args[i] as Value;
}

export function str(args: readonly Value[], i: number): string {
  const v = arg(args, i);
  if (typeof v !== 'string') throw operandError(i + 1, v, 'string');
  return v;
}

export function num(args: readonly Value[], i: number): RegoNumber {
  const v = arg(args, i);
  if (!isNumber(v)) throw operandError(i + 1, v, 'number');
  return v;
}

export function bool(args: readonly Value[], i: number): boolean {
  const v = arg(args, i);
  if (typeof v !== 'boolean') throw operandError(i + 1, v, 'boolean');
  return v;
}

export function array(args: readonly Value[], i: number): ArrayValue {
  const v = arg(args, i);
  if (!Array.isArray(v)) throw operandError(i + 1, v, 'array');
  return v;
}

export function object(args: readonly Value[], i: number): ObjectValue {
  const v = arg(args, i);
  if (!(v instanceof ObjectValue)) throw operandError(i + 1, v, 'object');
  return v;
}

export function set(args: readonly Value[], i: number): SetValue {
  const v = arg(args, i);
  if (!(v instanceof SetValue)) throw operandError(i + 1, v, 'set');
  return v;
}

/**
 * The integer a number denotes, exactly, or undefined when it is not an integer. A double is read through
 * its shortest decimal text (the literal OPA would hold), not its binary value: 1585852421593912000 stays
 * …000, not the double's …064.
 */
export function bigIntOf(n: RegoNumber): bigint | undefined {
  if (typeof n === 'number') {
    if (!Number.isInteger(n)) return undefined;
    return Number.isSafeInteger(n) ? BigInt(n) : BigInt(toDecimal(n).toFixed());
  }
  return isIntegral(n) ? toBigInt(n) : undefined;
}

/** An integer operand as a bigint; `operand N must be integer number but got floating-point number`. */
export function integer(args: readonly Value[], i: number): bigint {
  const b = bigIntOf(num(args, i));
  if (b === undefined)
    throw typeError(`operand ${i + 1} must be integer number but got floating-point number`);
  return b;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * An integer operand used as a length, count or offset (OPA's IntOperand: any int64). Beyond int64 it is
 * OPA's type error; within, magnitudes past 2^53 are clamped to ±2^53-1, which is past the end of any
 * string or array the operand can index, so results are OPA's.
 */
export function smallInt(args: readonly Value[], i: number): number {
  const b = integer(args, i);
  if (b > INT64_MAX || b < INT64_MIN)
    throw typeError(`operand ${i + 1} must be integer number but got floating-point number`);
  if (b > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (b < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(b);
}

/** The elements of an array or set operand (OPA accepts either for many collection builtins). */
export function arrayOrSet(args: readonly Value[], i: number): readonly Value[] {
  const v = arg(args, i);
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return v.items();
  throw operandError(i + 1, v, 'array', 'set');
}

/** Strings of an array or set operand; element errors read `operand N must be array of strings …`. */
export function stringsOf(
  args: readonly Value[],
  i: number,
  what: 'array' | 'set' | 'array or set',
): string[] {
  const items = arrayOrSet(args, i);
  const out: string[] = [];
  for (const x of items) {
    if (typeof x !== 'string') {
      throw typeError(
        `operand ${i + 1} must be ${what} of strings but got ${Array.isArray(args[i]) ? 'array' : 'set'} containing ${typeName(x)}`,
      );
    }
    out.push(x);
  }
  return out;
}

/** OPA's type name of a value (re-exported for error messages). */
export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return v.kind;
  }
}
