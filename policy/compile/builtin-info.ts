/**
 * @module What the compiler needs to know about builtins: does a name exist, its arity, its declared
 * argument types. Compile layer; a thin view over the builtin registry.
 */
import { builtinDecl, lookupBuiltin } from '../builtins/index.js';
import type { BuiltinDecl } from '../ir/ir.js';

/** Compiler-internal names that are not user-visible builtins but are callable in plans. */
const INTERNAL: Readonly<Record<string, number>> = { eq: 2, assign: 2 };

export interface BuiltinInfo {
  readonly name: string;
  readonly decl: BuiltinDecl | undefined;
  /** Declared argument count. */
  readonly arity: number;
  readonly variadic: boolean;
  /** The builtin returns a value (so a call may take one extra output argument). */
  readonly hasResult: boolean;
  /** One of OPA's deprecated builtins (rejected in strict mode and Rego v1 modules). */
  readonly deprecated: boolean;
}

/** Look a builtin up by its dotted name (`count`, `regex.match`). */
export function builtinInfo(name: string): BuiltinInfo | undefined {
  if (name in INTERNAL)
    return {
      name,
      decl: undefined,
      arity: INTERNAL[name]!,
      variadic: false,
      hasResult: false,
      deprecated: false,
    };
  const decl = builtinDecl(name);
  if (!decl) return undefined;
  const args = (decl.args as unknown[] | undefined) ?? [];
  return {
    name,
    decl,
    arity: args.length,
    variadic: decl.variadic !== undefined,
    hasResult: decl.result !== undefined,
    deprecated: lookupBuiltin(name)?.deprecated ?? false,
  };
}
