/**
 * @module Rego numbers: exact construction from literals and decimals, normalisation to plain doubles
 * where exact, comparison and integer access. Value layer.
 */
import { Decimal } from './decimal.js';
import { BigNum, type RegoNumber } from './value.js';

// A JSON/Rego number literal: what MakeNumberRefStmt and JSON text carry.
const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** True when `text` is a valid JSON number literal. */
export function isNumberLiteral(text: string): boolean {
  return NUMBER_LITERAL.test(text);
}

/**
 * The number a literal denotes, exactly. A double is used when it denotes exactly the same decimal value
 * (its shortest round-trip text equals the literal's value); otherwise a `BigNum` keeps every digit.
 * Throws a `RangeError` on text that is not a number literal.
 */
export function numberFromLiteral(text: string): RegoNumber {
  const x = Number(text);
  // Fast path: the common literal is already the shortest text of its double ("3", "0.5", "-12").
  if (String(x) === text) return x === 0 ? 0 : x;
  if (!NUMBER_LITERAL.test(text)) throw new RangeError(`not a number literal: ${JSON.stringify(text)}`);
  if (Number.isFinite(x)) {
    const d = new Decimal(text);
    if (d.eq(new Decimal(x))) return x === 0 ? 0 : x;
    return new BigNum(d, text);
  }
  return new BigNum(new Decimal(text), text);
}

/** Normalise an exact decimal to a Rego number (a double when that is exact). */
export function numberFromDecimal(d: Decimal): RegoNumber {
  if (!d.isFinite()) throw new RangeError(`not a finite number: ${d.toString()}`);
  const x = d.toNumber();
  if (Number.isFinite(x) && d.eq(new Decimal(x))) return x === 0 ? 0 : x;
  return new BigNum(d);
}

/** A Rego number from a JS bigint (exact). */
export function numberFromBigInt(n: bigint): RegoNumber {
  if (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(n);
  return numberFromDecimal(new Decimal(n.toString()));
}

/** The exact decimal value of a Rego number (a double denotes the decimal of its shortest text). */
export function toDecimal(n: RegoNumber): Decimal {
  return typeof n === 'number' ? new Decimal(n) : n.decimal;
}

/** The nearest double (lossy for `BigNum`s). */
export function toFloat(n: RegoNumber): number {
  return typeof n === 'number' ? n : n.decimal.toNumber();
}

/** True when the number is an integer (of any size). */
export function isIntegral(n: RegoNumber): boolean {
  return typeof n === 'number' ? Number.isInteger(n) : n.decimal.isInteger();
}

/** The value as a safe JS integer, or undefined when it is not an integer or out of the safe range. */
export function toSafeInteger(n: RegoNumber): number | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

/** The exact value as a bigint, or undefined when it is not an integer. */
export function toBigInt(n: RegoNumber): bigint | undefined {
  if (typeof n === 'number') return Number.isInteger(n) ? BigInt(n) : undefined;
  return n.decimal.isInteger() ? BigInt(n.decimal.toFixed()) : undefined;
}

/** Numeric order: -1, 0 or 1. */
export function compareNumbers(a: RegoNumber, b: RegoNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return toDecimal(a).cmp(toDecimal(b));
}

/** Numeric equality (normalisation makes a double never equal to a `BigNum`). */
export function numbersEqual(a: RegoNumber, b: RegoNumber): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.decimal.eq(b.decimal);
}

/** Number text as OPA prints it in JSON and Rego: the literal for big numbers, shortest text otherwise. */
export function formatNumber(n: RegoNumber): string {
  if (typeof n !== 'number') return n.text;
  // Integers print as digits (as OPA prints big integers), not as JS's "1e+21" exponent form.
  if (Math.abs(n) >= 1e21 && Number.isInteger(n)) return new Decimal(n).toFixed();
  return String(n);
}
