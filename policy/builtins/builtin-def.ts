/**
 * @module One builtin's definition: OPA's declaration joined with its implementation, error prefixing and
 * flags. Builtins layer; shared by the full registry (registry.ts) and the on-demand one the Wasm host uses
 * (family-loader.ts).
 */
import type { BuiltinDecl } from '../ir/ir.js';
import type { Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import type { BuiltinContext } from './context.js';
import { DECLS, INFIX } from './decls.js';
import type { BuiltinImpl, ImplTable } from './impl-types.js';

export interface BuiltinDef {
  /** `count`, `regex.match`, `internal.member_2`, … */
  readonly name: string;
  /** OPA's type declaration (same JSON as a plan's `static.builtin_funcs[].decl`). */
  readonly decl: BuiltinDecl;
  /**
   * Call it. Returns the value or `undefined` (undefined result). Throws `BuiltinError` whose message is
   * OPA's `<name>: <reason>` and whose `regoCode` is `eval_builtin_error` or `eval_type_error`.
   */
  impl(args: readonly Value[], ctx: BuiltinContext): Value | undefined;
  /** Results may differ between calls with equal arguments (time.now_ns, rand.intn, http.send, …). */
  readonly nondeterministic: boolean;
  /** Reaches the network; such builtins refuse (halt error) when `ctx.network` is `deny`. */
  readonly network: boolean;
  /**
   * Deprecated in OPA (`any`, `re_match`, `cast_string`, …): the compiler accepts calls only in Rego v0
   * without strict mode; elsewhere they are `deprecated built-in function calls in expression: <name>`.
   */
  readonly deprecated: boolean;
  /** Infix operator spelling, when the builtin has one (`plus` → `+`, `internal.member_2` → `in`). */
  readonly infix: string | undefined;
  /** The family file it lives in (`strings`, `regex`, …), for docs and `policy build` warnings. */
  readonly family: string;
  /** Number of declared arguments (before variadic ones). */
  readonly arity: number;
  /** True when extra arguments of `decl.variadic`'s type are accepted (`print`). */
  readonly variadic: boolean;
}

/** Prefix the builtin's name as OPA does (`count: operand 1 must be …`) and wrap foreign exceptions. */
function wrapError(name: string, err: unknown): BuiltinError {
  if (err instanceof BuiltinError) {
    if (err.builtin === undefined) {
      const wrapped = new BuiltinError(`${name}: ${err.message}`, {
        kind: err.regoCode,
        halt: err.halt,
        cause: err.cause,
      });
      wrapped.builtin = name;
      return wrapped;
    }
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  const wrapped = new BuiltinError(`${name}: ${message}`, { cause: err });
  wrapped.builtin = name;
  return wrapped;
}

function makeDef(
  name: string,
  family: string,
  raw: BuiltinImpl,
  flags: { nondeterministic?: boolean; network?: boolean; deprecated?: boolean },
): BuiltinDef {
  const decl = DECLS[name];
  if (decl === undefined) throw new Error(`builtin ${name} (${family}) has no declaration in decls.ts`);
  const network = flags.network ?? false;
  // Network builtins check `ctx.network` themselves, after validating their operands (as OPA reports a
  // malformed request before anything else).
  const impl = (args: readonly Value[], ctx: BuiltinContext): Value | undefined => {
    try {
      return raw(args, ctx);
    } catch (err) {
      throw wrapError(name, err);
    }
  };
  const args = decl.args as readonly unknown[] | undefined;
  return Object.freeze({
    name,
    decl,
    impl,
    nondeterministic: (flags.nondeterministic ?? false) || network,
    network,
    deprecated: flags.deprecated ?? false,
    infix: INFIX[name],
    family,
    arity: args?.length ?? 0,
    variadic: decl.variadic !== undefined,
  });
}

/** The definition of `name` from its family's table, or undefined when the table lacks it. */
export function defFromTable(name: string, family: string, table: ImplTable): BuiltinDef | undefined {
  const entry = table[name];
  if (entry === undefined) return undefined;
  const spec = typeof entry === 'function' ? { impl: entry } : entry;
  return makeDef(name, family, spec.impl, spec);
}
