/**
 * @module Bitwise builtins on integers of any size (`bits.or bits.and bits.negate bits.xor bits.lsh
 * bits.rsh`), with OPA's operand errors.
 */
import { numberFromBigInt, type Value } from '../value/index.js';
import { typeError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { integer } from './operands.js';

function shiftAmount(args: readonly Value[]): bigint {
  const s = integer(args, 1);
  if (s < 0n) throw typeError('operand 2 must be an unsigned integer number but got a negative integer');
  return s;
}

function binary(op: (a: bigint, b: bigint) => bigint) {
  return (args: readonly Value[]): Value => numberFromBigInt(op(integer(args, 0), integer(args, 1)));
}

export const bitBuiltins: ImplTable = {
  'bits.or': binary((a, b) => a | b),
  'bits.and': binary((a, b) => a & b),
  'bits.xor': binary((a, b) => a ^ b),
  'bits.negate': (args) => numberFromBigInt(~integer(args, 0)),
  'bits.lsh': (args) => {
    const x = integer(args, 0);
    return numberFromBigInt(x << shiftAmount(args));
  },
  'bits.rsh': (args) => {
    const x = integer(args, 0);
    return numberFromBigInt(x >> shiftAmount(args));
  },
};
