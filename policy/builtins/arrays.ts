/**
 * @module Array builtins: `array.concat`, `array.slice` (indexes clamped, never an error), `array.reverse`,
 * `array.flatten` (nested arrays flattened recursively).
 */
import type { Value } from '../value/index.js';
import type { ImplTable } from './impl-types.js';
import { array, smallInt } from './operands.js';

function slice(args: readonly Value[]): Value {
  const a = array(args, 0);
  let start = smallInt(args, 1);
  let stop = smallInt(args, 2);
  if (stop < 0) stop = 0;
  else if (stop > a.length) stop = a.length;
  if (start < 0) start = 0;
  else if (start > stop) start = stop;
  return a.slice(start, stop);
}

function flattenInto(out: Value[], a: readonly Value[]): void {
  for (const x of a) {
    if (Array.isArray(x)) flattenInto(out, x);
    else out.push(x);
  }
}

function flatten(args: readonly Value[]): Value {
  const out: Value[] = [];
  flattenInto(out, array(args, 0));
  return out;
}

export const arrayBuiltins: ImplTable = {
  'array.concat': (args) => [...array(args, 0), ...array(args, 1)],
  'array.slice': slice,
  'array.reverse': (args) => [...array(args, 0)].reverse(),
  'array.flatten': flatten,
};
