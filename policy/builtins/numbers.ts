/**
 * @module Arithmetic builtins (`plus minus mul div rem abs round ceil floor numbers.range numbers.range_step
 * rand.intn`). Integers stay exact at any size (bigint); other numbers use exact decimals, division rounded
 * to 20 significant digits (OPA rounds to a 64-bit-mantissa big.Float: same digits for common cases).
 */
import { randomBytes } from 'node:crypto';
import {
  Decimal,
  isIntegral,
  numberFromBigInt,
  numberFromDecimal,
  type RegoNumber,
  SetValue,
  toDecimal,
  type Value,
} from '../value/index.js';
import { BuiltinError, operandError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { bigIntOf, integer, num, str } from './operands.js';
import { setDifference } from './sets.js';

// Plain doubles inside this window add/subtract/multiply without leaving the safe-integer range.
const SMALL = 2 ** 26;

function small(n: RegoNumber): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > -SMALL && n < SMALL;
}

type IntOp = (x: bigint, y: bigint) => bigint;
type DecOp = (x: Decimal, y: Decimal) => Decimal;

/** Integers exactly (bigint), anything else through decimals. */
function arith(a: RegoNumber, b: RegoNumber, intOp: IntOp, decOp: DecOp): RegoNumber {
  const x = isIntegral(a) ? bigIntOf(a) : undefined;
  const y = x !== undefined && isIntegral(b) ? bigIntOf(b) : undefined;
  if (x !== undefined && y !== undefined) return numberFromBigInt(intOp(x, y));
  return numberFromDecimal(decOp(toDecimal(a), toDecimal(b)));
}

function plus(args: readonly Value[]): Value {
  const a = num(args, 0);
  const b = num(args, 1);
  if (small(a) && small(b)) return a + b;
  return arith(
    a,
    b,
    (x, y) => x + y,
    (x, y) => x.plus(y),
  );
}

function minus(args: readonly Value[]): Value {
  const a = args[0] as Value;
  const b = args[1] as Value;
  if (a instanceof SetValue && b instanceof SetValue) return setDifference(a, b);
  const aNum =
    typeof a === 'number' ||
    (a !== null && typeof a === 'object' && !Array.isArray(a) && a.kind === 'number');
  if (!aNum && !(a instanceof SetValue)) throw operandError(1, a, 'number', 'set');
  if (a instanceof SetValue) throw operandError(2, b, 'set');
  const x = a as RegoNumber;
  const y = num(args, 1);
  if (small(x) && small(y)) return x - y;
  return arith(
    x,
    y,
    (p, q) => p - q,
    (p, q) => p.minus(q),
  );
}

function mul(args: readonly Value[]): Value {
  const a = num(args, 0);
  const b = num(args, 1);
  if (small(a) && small(b)) return a * b;
  return arith(
    a,
    b,
    (x, y) => x * y,
    (x, y) => x.times(y),
  );
}

const DIVISION = Decimal.clone({ precision: 20, rounding: Decimal.ROUND_HALF_EVEN });

function div(args: readonly Value[]): Value {
  const a = num(args, 0);
  const b = num(args, 1);
  const divisor = toDecimal(b);
  if (divisor.isZero()) throw new BuiltinError('divide by zero');
  const x = isIntegral(a) ? bigIntOf(a) : undefined;
  const y = isIntegral(b) ? bigIntOf(b) : undefined;
  if (x !== undefined && y !== undefined && x % y === 0n) return numberFromBigInt(x / y);
  return numberFromDecimal(new DIVISION(toDecimal(a)).div(new DIVISION(divisor)));
}

function rem(args: readonly Value[]): Value {
  const a = num(args, 0);
  const b = num(args, 1);
  if (!isIntegral(a) || !isIntegral(b)) throw new BuiltinError('modulo on floating-point number');
  const x = bigIntOf(a) as bigint;
  const y = bigIntOf(b) as bigint;
  if (y === 0n) throw new BuiltinError('modulo by zero');
  // bigint % truncates toward zero, like Go's big.Int.Rem and int %.
  return numberFromBigInt(x % y);
}

function unary(f: (d: Decimal) => Decimal) {
  return (args: readonly Value[]): Value => {
    const n = num(args, 0);
    if (isIntegral(n)) return f === abs ? numberFromDecimal(toDecimal(n).abs()) : n;
    return numberFromDecimal(f(toDecimal(n)));
  };
}

const abs = (d: Decimal): Decimal => d.abs();
// Half away from zero, as OPA's round does (not banker's rounding).
const round = (d: Decimal): Decimal => d.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
const ceil = (d: Decimal): Decimal => d.toDecimalPlaces(0, Decimal.ROUND_CEIL);
const floor = (d: Decimal): Decimal => d.toDecimalPlaces(0, Decimal.ROUND_FLOOR);

/** Inclusive range from `a` to `b`, counting down when `b < a`. */
function range(a: bigint, b: bigint, step: bigint): Value {
  const out: Value[] = [];
  if (a <= b) for (let i = a; i <= b; i += step) out.push(numberFromBigInt(i));
  else for (let i = a; i >= b; i -= step) out.push(numberFromBigInt(i));
  return out;
}

function numbersRange(args: readonly Value[]): Value {
  return range(integer(args, 0), integer(args, 1), 1n);
}

function numbersRangeStep(args: readonly Value[]): Value {
  const a = integer(args, 0);
  const b = integer(args, 1);
  const step = integer(args, 2);
  if (step <= 0n) throw new BuiltinError('numbers.range_step: step must be a positive integer');
  return range(a, b, step);
}

/** A uniform random bigint in [0, n) (rejection sampling over whole bytes). */
function randomBelow(n: bigint): bigint {
  const bytes = Math.ceil(n.toString(16).length / 2) + 1;
  const span = 1n << BigInt(bytes * 8);
  const limit = span - (span % n);
  for (;;) {
    const r = BigInt(`0x${randomBytes(bytes).toString('hex')}`);
    if (r < limit) return r % n;
  }
}

/** `rand.intn(str, n)`: one random integer in [0, |n|) per (str, n) and evaluation, as OPA caches it. */
function randIntn(args: readonly Value[], ctx: { cache: Map<string, Value> }): Value {
  const seed = str(args, 0);
  let n = integer(args, 1);
  if (n === 0n) return 0;
  if (n < 0n) n = -n;
  const key = `rand.intn:${seed}-${n}`;
  const cached = ctx.cache.get(key);
  if (cached !== undefined) return cached;
  const r = numberFromBigInt(randomBelow(n));
  ctx.cache.set(key, r);
  return r;
}

export const numberBuiltins: ImplTable = {
  plus,
  minus,
  mul,
  div,
  rem,
  abs: unary(abs),
  round: unary(round),
  ceil: unary(ceil),
  floor: unary(floor),
  'numbers.range': numbersRange,
  'numbers.range_step': numbersRangeStep,
  'rand.intn': { impl: randIntn, nondeterministic: true },
};
