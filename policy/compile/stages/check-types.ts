/**
 * @module Compile stage helper: the builtin argument checks OPA's type checker reports at compile time,
 * with OPA's messages (rego_type_error `<name>: invalid argument(s)` / `arity mismatch`, each followed by
 * `have: (…)` and `want: (…)` lines) and `match error` for `=` between terms of different types.
 * Only types known statically take part (see static-types.ts), so a policy OPA accepts is never rejected.
 */
import type { Term } from '../../ast/index.js';
import type { BuiltinInfo } from '../builtin-info.js';
import { renderType, type StaticType, type TypeEnv, typeOfTerm, unifies } from './static-types.js';

function named(d: StaticType): string {
  return typeof d.name === 'string' ? `${d.name}: ${renderType(d)}` : renderType(d);
}

/** OPA's `want` list: declared arguments, then `each...` for a variadic builtin; the result when `withResult`. */
function wantList(info: BuiltinInfo, withResult: boolean): string {
  const declArgs = (info.decl?.args as StaticType[] | undefined) ?? [];
  const variadic = info.decl?.variadic as StaticType | undefined;
  const want = declArgs.map(named);
  if (variadic) want.push(`${renderType(variadic)}...`);
  const result = info.decl?.result as StaticType | undefined;
  if (withResult && result) want.push(named(result));
  return `(${want.join(', ')})`;
}

/** OPA's `have` list: each operand's type (`any` where only evaluation knows it). */
function haveList(args: readonly Term[], env: TypeEnv): string {
  return `(${args.map((a) => renderType(typeOfTerm(a, env))).join(', ')})`;
}

/** A builtin called with too few or too many arguments (OPA: `count: arity mismatch`). */
export function arityError(info: BuiltinInfo, args: readonly Term[], env: TypeEnv): string {
  return `${info.name}: arity mismatch\n\thave: ${haveList(args, env)}\n\twant: ${wantList(info, false)}`;
}

/**
 * The message for a call whose statically known operand types do not fit the declaration, if any. An
 * extra trailing operand is the output and is checked against the declared result, as OPA does.
 */
export function argumentTypeError(
  info: BuiltinInfo,
  args: readonly Term[],
  env: TypeEnv,
): string | undefined {
  const declArgs = (info.decl?.args as StaticType[] | undefined) ?? [];
  const variadic = info.decl?.variadic as StaticType | undefined;
  const result = info.decl?.result as StaticType | undefined;
  const hasOutput = !variadic && result !== undefined && args.length === declArgs.length + 1;
  const bad = args.some((a, i) => {
    const want = i < declArgs.length ? declArgs[i] : (variadic ?? (hasOutput ? result : undefined));
    return want !== undefined && !unifies(typeOfTerm(a, env), want);
  });
  if (!bad) return undefined;
  return `${info.name}: invalid argument(s)\n\thave: ${haveList(args, env)}\n\twant: ${wantList(info, hasOutput)}`;
}

/** `a = b` between terms whose types cannot unify (OPA's `match error`), if so. */
export function matchError(a: Term, b: Term, env: TypeEnv): string | undefined {
  const ta = typeOfTerm(a, env);
  const tb = typeOfTerm(b, env);
  if (ta === undefined || tb === undefined || unifies(ta, tb)) return undefined;
  return `match error\n\tleft  : ${renderType(ta)}\n\tright : ${renderType(tb)}`;
}
