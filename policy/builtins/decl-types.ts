/**
 * @module A small constructor vocabulary for OPA's builtin type declarations (the JSON in a plan's
 * `static.builtin_funcs[].decl`). Builtins layer; plain data, mirrors OPA's v1/types JSON encoding.
 */
import type { BuiltinDecl } from '../ir/ir.js';

/** One OPA type in its JSON form: `{type: "string"}`, `{type: "array", dynamic: …}`, `{type: "any", of: […]}`, … */
export type DeclType = Readonly<Record<string, unknown>> & { readonly type: string };

export const A: DeclType = { type: 'any' };
export const S: DeclType = { type: 'string' };
export const N: DeclType = { type: 'number' };
export const B: DeclType = { type: 'boolean' };
export const NULL: DeclType = { type: 'null' };

/** `any<t1, t2, …>`: a union. */
export function anyOf(...of: DeclType[]): DeclType {
  return { type: 'any', of };
}

/** `array[t]`: an array of any length whose elements are `t`. */
export function arr(dynamic: DeclType): DeclType {
  return { type: 'array', dynamic };
}

/** `array<t1, t2…>` with fixed leading element types, optionally followed by `array[dynamic]`. */
export function tuple(staticTypes: DeclType[], dynamic?: DeclType): DeclType {
  return dynamic === undefined
    ? { type: 'array', static: staticTypes }
    : { type: 'array', static: staticTypes, dynamic };
}

/** `set[t]`. */
export function setOf(of: DeclType): DeclType {
  return { type: 'set', of };
}

/** `object[k: v]`: any number of keys of type `k` mapping to `v`. */
export function obj(key: DeclType, value: DeclType): DeclType {
  return { type: 'object', dynamic: { key, value } };
}

/** `object<k1: t1, …>` with known keys, optionally open to `object[key: value]`. */
export function sobj(fields: Record<string, DeclType>, key?: DeclType, value?: DeclType): DeclType {
  const staticFields = Object.entries(fields).map(([k, v]) => ({ key: k, value: v }));
  return key === undefined || value === undefined
    ? { type: 'object', static: staticFields }
    : { type: 'object', static: staticFields, dynamic: { key, value } };
}

/** Names an argument or result, as OPA's `types.Named` does (the name shows in docs and type errors). */
export function p(name: string, t: DeclType): DeclType {
  return { ...t, name };
}

/** A function declaration; `result` undefined means the builtin returns nothing (e.g. `print`). */
export function fn(args: DeclType[], result?: DeclType): BuiltinDecl {
  const decl: Record<string, unknown> = { type: 'function' };
  if (args.length > 0) decl.args = args;
  if (result !== undefined) decl.result = result;
  return decl;
}

/** A variadic function: every argument has type `each` (OPA's `types.NewVariadicFunction`). */
export function variadic(args: DeclType[], each: DeclType, result?: DeclType): BuiltinDecl {
  return { ...fn(args, result), variadic: each };
}
