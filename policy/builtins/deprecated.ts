/**
 * @module OPA's deprecated builtins (`any all re_match net.cidr_overlap set_diff cast_*`), still found in
 * Rego v0 policies. Builtins layer. Each is flagged `deprecated`: the compiler rejects calls to them in
 * strict mode and in Rego v1 modules (stage check_deprecated_builtins), as OPA does. The aliases run the
 * implementation of the builtin that replaced them, so their semantics cannot drift apart.
 */
import { ObjectValue, SetValue, type Value } from '../value/index.js';
import { operandError } from './builtin-error.js';
import type { BuiltinImpl, ImplSpec, ImplTable } from './impl-types.js';
import { cidrBuiltins } from './net-cidr.js';
import { arg, set } from './operands.js';
import { regexBuiltins } from './regex.js';
import { setDifference } from './sets.js';

/** The implementation `name` has in `table` (the builtin a deprecated one was replaced by). */
function implOf(table: ImplTable, name: string): BuiltinImpl {
  const entry = table[name];
  if (entry === undefined) throw new Error(`deprecated alias: no builtin ${name} to delegate to`);
  return typeof entry === 'function' ? entry : entry.impl;
}

/** Members of an array or set operand (OPA lists the expected types as `array, set` here). */
function members(v: Value): readonly Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return v.items();
  throw operandError(1, v, 'array', 'set');
}

/** `all(xs)`: every member is `true` (so an empty collection gives true). */
function all(args: readonly Value[]): Value {
  return members(arg(args, 0)).every((x) => x === true);
}

/** `any(xs)`: some member is `true` (so an empty collection gives false). */
function any(args: readonly Value[]): Value {
  return members(arg(args, 0)).some((x) => x === true);
}

function castArray(args: readonly Value[]): Value {
  const v = arg(args, 0);
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return [...v.items()];
  throw operandError(1, v, 'array', 'set');
}

function castSet(args: readonly Value[]): Value {
  const v = arg(args, 0);
  if (v instanceof SetValue) return v;
  if (Array.isArray(v)) {
    const out = new SetValue();
    for (const x of v) out.add(x);
    return out;
  }
  throw operandError(1, v, 'array', 'set');
}

/** `cast_<type>(x)`: `x` itself when it already has that type, else an operand type error. */
function castTo(typeName: string, is: (v: Value) => boolean): BuiltinImpl {
  return (args) => {
    const v = arg(args, 0);
    if (!is(v)) throw operandError(1, v, typeName);
    return v;
  };
}

function deprecated(impl: BuiltinImpl): ImplSpec {
  return { impl, deprecated: true };
}

export const deprecatedBuiltins: ImplTable = {
  all: deprecated(all),
  any: deprecated(any),
  cast_array: deprecated(castArray),
  cast_boolean: deprecated(castTo('boolean', (v) => typeof v === 'boolean')),
  cast_null: deprecated(castTo('null', (v) => v === null)),
  cast_object: deprecated(castTo('object', (v) => v instanceof ObjectValue)),
  cast_set: deprecated(castSet),
  cast_string: deprecated(castTo('string', (v) => typeof v === 'string')),
  // Replaced by net.cidr_contains, which OPA registers under both names.
  'net.cidr_overlap': deprecated(implOf(cidrBuiltins, 'net.cidr_contains')),
  // Replaced by regex.match, which OPA registers under both names.
  re_match: deprecated(implOf(regexBuiltins, 'regex.match')),
  // Replaced by the `-` operator; unlike `minus` both operands must be sets.
  set_diff: deprecated((args) => setDifference(set(args, 0), set(args, 1))),
};
