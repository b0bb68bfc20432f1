/**
 * @module Comparison builtins (`equal neq lt lte gt gte`): OPA's total order across all types, so
 * comparing values of different types is defined (null < boolean < number < string < array < object < set).
 */
import { compare, equal, type Value } from '../value/index.js';
import type { ImplTable } from './impl-types.js';

function cmp(test: (c: number) => boolean) {
  return (args: readonly Value[]): Value => test(compare(args[0] as Value, args[1] as Value));
}

export const comparisonBuiltins: ImplTable = {
  equal: (args) => equal(args[0] as Value, args[1] as Value),
  neq: (args) => !equal(args[0] as Value, args[1] as Value),
  lt: cmp((c) => c < 0),
  lte: cmp((c) => c <= 0),
  gt: cmp((c) => c > 0),
  gte: cmp((c) => c >= 0),
};
