/**
 * @module Array builtins: `array.concat`, `array.slice` (indexes clamped, never an error), `array.reverse`,
 * `array.flatten` (one level).
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

/** One level: elements that are arrays are spliced in, deeper arrays stay (as OPA's array.flatten). */
function flatten(args: readonly Value[]): Value {
  const out: Value[] = [];
  for (const x of array(args, 0)) {
    if (Array.isArray(x)) out.push(...x);
    else out.push(x);
  }
  return out;
}

export const arrayBuiltins: ImplTable = {
  'array.concat': (args) => [...array(args, 0), ...array(args, 1)],
  'array.slice': slice,
  'array.reverse': (args) => [...array(args, 0)].reverse(),
  'array.flatten': flatten,
};
