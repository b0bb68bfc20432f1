/**
 * @module The Rego value type: OPA's data model (null, boolean, number, string, array, object, set) as
 * compact JavaScript values. Value layer: imported by the evaluator, builtins and the Wasm host.
 */
import type { Decimal } from './decimal.js';

/**
 * A number that a JavaScript double cannot hold exactly (a big integer, a long decimal, an exponent out
 * of range). Numbers a double *does* hold exactly are plain `number`s, so this class never equals a plain
 * number: `numberFromDecimal` and `numberFromLiteral` normalise.
 */
export class BigNum {
  readonly kind = 'number' as const;
  /** The exact value. */
  readonly decimal: Decimal;
  /** The literal as written (kept for rendering, as OPA keeps json.Number text), or the decimal's text. */
  readonly text: string;

  constructor(decimal: Decimal, text?: string) {
    this.decimal = decimal;
    this.text = text ?? decimalText(decimal);
  }

  toString(): string {
    return this.text;
  }
}

/** Decimal text without exponent for integers (as OPA prints big integers), exponent form otherwise. */
export function decimalText(d: Decimal): string {
  return d.isInteger() && d.e < 400 ? d.toFixed() : d.toString();
}

/** A Rego number: a plain double when exact, a `BigNum` otherwise. */
export type RegoNumber = number | BigNum;

/**
 * A Rego array. Plain JS arrays keep the hot path allocation-light; treat arrays reachable from other
 * values as immutable (copy before changing).
 */
export type ArrayValue = Value[];

/**
 * Every Rego value. `null`, booleans and strings are themselves; numbers are `number | BigNum`; arrays are
 * JS arrays; objects and sets are `ObjectValue` / `SetValue` (any key type, OPA's sorted iteration order).
 */
export type Value = null | boolean | number | BigNum | string | ArrayValue | ObjectLike | SetLike;

/** Structural view of `ObjectValue` used by the value layer itself (avoids an import cycle). */
export interface ObjectLike {
  readonly kind: 'object';
  readonly size: number;
  get(key: Value): Value | undefined;
  keys(): readonly Value[];
  values(): readonly Value[];
  canonical(): string;
}

/** Structural view of `SetValue` used by the value layer itself. */
export interface SetLike {
  readonly kind: 'set';
  readonly size: number;
  has(item: Value): boolean;
  items(): readonly Value[];
  canonical(): string;
}

/** OPA's type names, as used in type-error messages (`operand 1 must be string but got number`). */
export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

/** The OPA type name of a value. */
export function typeOf(v: Value): TypeName {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'array';
      return v.kind;
  }
}

export function isNumber(v: Value): v is RegoNumber {
  return typeof v === 'number' || (typeof v === 'object' && v !== null && (v as BigNum).kind === 'number');
}

export function isString(v: Value): v is string {
  return typeof v === 'string';
}

export function isBoolean(v: Value): v is boolean {
  return typeof v === 'boolean';
}

export function isArray(v: Value): v is ArrayValue {
  return Array.isArray(v);
}

export function isObject(v: Value): v is ObjectLike {
  return typeof v === 'object' && v !== null && (v as ObjectLike).kind === 'object';
}

export function isSet(v: Value): v is SetLike {
  return typeof v === 'object' && v !== null && (v as SetLike).kind === 'set';
}

/** True for arrays, objects and sets. */
export function isCollection(v: Value): v is ArrayValue | ObjectLike | SetLike {
  return (
    typeof v === 'object' && v !== null && (Array.isArray(v) || (v as { kind: string }).kind !== 'number')
  );
}
