/**
 * @module Type builtins: `is_number is_string is_boolean is_array is_set is_object is_null type_name`,
 * and `to_number` (Go's strconv.ParseFloat grammar for strings, keeping the literal's exact value).
 */
import { isNumber, numberFromLiteral, typeOf, type Value } from '../value/index.js';
import { BuiltinError, operandError, typeError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';

// Decimal forms Go's ParseFloat accepts (underscores are only allowed with a base prefix there).
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:inf|infinity|nan)$/i;

/** The canonical JSON literal of a Go-style decimal string: no '+', no bare '.', no leading zeros. */
function normalise(text: string): string {
  let s = text.startsWith('+') ? text.slice(1) : text;
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  let [mantissa = '', exponent] = s.split(/[eE]/) as [string, string | undefined];
  let [int = '', frac = ''] = mantissa.split('.') as [string, string | undefined];
  int = int.replace(/^0+(?=\d)/, '');
  if (int === '') int = '0';
  mantissa = frac === '' ? int : `${int}.${frac}`;
  if (exponent !== undefined) exponent = exponent.replace(/^([+-]?)0+(?=\d)/, '$1');
  return `${neg ? '-' : ''}${mantissa}${exponent === undefined ? '' : `e${exponent}`}`;
}

function toNumber(args: readonly Value[]): Value {
  const v = args[0] as Value;
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumber(v)) return v;
  if (typeof v !== 'string') throw operandError(1, v, 'null', 'boolean', 'number', 'string');
  if (NON_FINITE.test(v)) throw typeError('operand 1 must be a finite number, not NaN or ±Inf');
  if (!DECIMAL.test(v))
    throw new BuiltinError(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
  return numberFromLiteral(normalise(v));
}

export const typeBuiltins: ImplTable = {
  is_number: (args) => isNumber(args[0] as Value),
  is_string: (args) => typeof args[0] === 'string',
  is_boolean: (args) => typeof args[0] === 'boolean',
  is_array: (args) => Array.isArray(args[0]),
  is_set: (args) => typeOf(args[0] as Value) === 'set',
  is_object: (args) => typeOf(args[0] as Value) === 'object',
  is_null: (args) => args[0] === null,
  type_name: (args) => typeOf(args[0] as Value),
  to_number: toNumber,
};
