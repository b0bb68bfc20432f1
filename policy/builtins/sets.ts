/**
 * @module Set builtins: `and` (&), `or` (|), `intersection` and `union` of a set of sets. The `-` operator
 * lives with `minus` in numbers.ts, as OPA overloads it; both it and the deprecated `set_diff` call
 * `setDifference` here.
 */
import { SetValue, type Value } from '../value/index.js';
import { operandError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { set } from './operands.js';

/** `a - b`: the members of `a` not in `b`. */
export function setDifference(a: SetValue, b: SetValue): SetValue {
  const out = new SetValue();
  for (const x of a.items()) if (!b.has(x)) out.add(x);
  return out;
}

function and(args: readonly Value[]): Value {
  const a = set(args, 0);
  const b = set(args, 1);
  const out = new SetValue();
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small.items()) if (big.has(x)) out.add(x);
  return out;
}

function or(args: readonly Value[]): Value {
  const a = set(args, 0);
  const b = set(args, 1);
  const out = a.clone();
  for (const x of b.items()) out.add(x);
  return out;
}

/** The member sets of a set of sets; a member that is not a set is an operand-1 type error, as in OPA. */
function memberSets(args: readonly Value[]): SetValue[] {
  const outer = set(args, 0);
  return outer.items().map((x) => {
    if (!(x instanceof SetValue)) throw operandError(1, x, 'set');
    return x;
  });
}

function intersection(args: readonly Value[]): Value {
  const sets = memberSets(args);
  if (sets.length === 0) return new SetValue();
  let acc = sets[0] as SetValue;
  for (const s of sets.slice(1)) {
    const next = new SetValue();
    for (const x of acc.items()) if (s.has(x)) next.add(x);
    acc = next;
  }
  return acc;
}

function union(args: readonly Value[]): Value {
  const out = new SetValue();
  for (const s of memberSets(args)) for (const x of s.items()) out.add(x);
  return out;
}

export const setBuiltins: ImplTable = { and, or, intersection, union };
