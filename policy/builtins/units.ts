/**
 * @module `units.parse` (SI and binary SI suffixes, milli) and `units.parse_bytes` (byte units), with OPA's
 * number/unit split and messages. Exact decimal arithmetic; non-integer `units.parse` results are rounded
 * to 10 decimal places as OPA does.
 */
import { Decimal, numberFromDecimal, type Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

const MAX_EXPONENT_DIGITS = 6;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Split `"10.5Ki"` into `["10.5", "Ki"]` the way OPA does: the number runs over digits, '.', signs and a
 * well-formed exponent; returns undefined when an exponent has more than 6 digits.
 */
function splitNumberAndUnit(s: string): [string, string] | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    const numeric = isDigit(c) || c === '.' || c === '+' || c === '-';
    if (!numeric && c !== 'e' && c !== 'E') return i === 0 ? ['', s] : [s.slice(0, i), s.slice(i)];
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        return i === 0 ? ['', s] : [s.slice(0, i), s.slice(i)];
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) return undefined;
    }
  }
  return [s, ''];
}

const KI = 1024n;
const BINARY: Record<string, bigint> = {
  ki: KI,
  mi: KI ** 2n,
  gi: KI ** 3n,
  ti: KI ** 4n,
  pi: KI ** 5n,
  ei: KI ** 6n,
};
const DECIMAL: Record<string, bigint> = {
  k: 10n ** 3n,
  m: 10n ** 6n,
  g: 10n ** 9n,
  t: 10n ** 12n,
  p: 10n ** 15n,
  e: 10n ** 18n,
};

function unitsFactor(unit: string): Decimal | undefined {
  if (unit === '') return new Decimal(1);
  if (unit === 'm') return new Decimal('0.001');
  if (unit === 'M') return new Decimal((DECIMAL.m as bigint).toString());
  const u = unit.toLowerCase();
  const f = u.length === 1 ? DECIMAL[u] : u.length === 2 && u.endsWith('i') ? BINARY[u] : undefined;
  return f === undefined ? undefined : new Decimal(f.toString());
}

function unitsParse(args: readonly Value[]): Value {
  const s = str(args, 0).replaceAll('"', '');
  if (s.includes(' ')) throw new BuiltinError('units.parse: spaces not allowed in resource strings');
  const split = splitNumberAndUnit(s);
  if (split === undefined) throw new BuiltinError('units.parse: exponent too large');
  const [amount, rawUnit] = split;
  if (amount === '') throw new BuiltinError('units.parse: no amount provided');
  // Only the characters after the first are case-insensitive, so 'm' (milli) and 'M' (mega) differ.
  const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
  const factor = unitsFactor(unit);
  if (factor === undefined) throw new BuiltinError(`units.parse: unit ${unit} not recognized`);
  if (!NUMBER.test(amount)) throw new BuiltinError('units.parse: could not parse amount to a number');
  const value = new Decimal(amount).times(factor);
  return numberFromDecimal(value.isInteger() ? value : value.toDecimalPlaces(10, Decimal.ROUND_HALF_UP));
}

function bytesFactor(unit: string): bigint | undefined {
  if (unit === '') return 1n;
  const base = unit.endsWith('b') ? unit.slice(0, -1) : unit;
  if (base.length === 1) return DECIMAL[base];
  if (base.length === 2 && base.endsWith('i')) return BINARY[base];
  return undefined;
}

function unitsParseBytes(args: readonly Value[]): Value {
  const s = str(args, 0).toLowerCase().replaceAll('"', '');
  if (s.includes(' ')) throw new BuiltinError('units.parse_bytes: spaces not allowed in resource strings');
  const split = splitNumberAndUnit(s);
  if (split === undefined) throw new BuiltinError('units.parse_bytes: exponent too large');
  const [amount, unit] = split;
  if (amount === '') throw new BuiltinError('units.parse_bytes: no byte amount provided');
  const factor = bytesFactor(unit);
  if (factor === undefined) throw new BuiltinError(`units.parse_bytes: byte unit ${unit} not recognized`);
  if (!NUMBER.test(amount))
    throw new BuiltinError('units.parse_bytes: could not parse byte amount to a number');
  // Whole bytes, truncated toward zero.
  return numberFromDecimal(new Decimal(amount).times(factor.toString()).trunc());
}

export const unitBuiltins: ImplTable = {
  'units.parse': unitsParse,
  'units.parse_bytes': unitsParseBytes,
};
