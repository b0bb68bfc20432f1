/**
 * @module The shape of a builtin implementation and of a family's table of them. Builtins layer.
 */
import type { Value } from '../value/index.js';
import type { BuiltinContext } from './context.js';

/**
 * A builtin's implementation: synchronous, arguments already evaluated. Returns the result, or `undefined`
 * for an undefined result; throws `BuiltinError` (the registry prefixes the builtin's name).
 */
export type BuiltinImpl = (args: readonly Value[], ctx: BuiltinContext) => Value | undefined;

/** An implementation with flags. */
export interface ImplSpec {
  readonly impl: BuiltinImpl;
  /** The result may differ between calls with the same arguments (time, randomness, network). */
  readonly nondeterministic?: boolean;
  /** Reaches the network; the implementation refuses (`networkRefused()`) when the context's `network` is `deny`. */
  readonly network?: boolean;
  /**
   * One of OPA's deprecated builtins: callable from Rego v0 policies, rejected by the compiler in strict
   * mode and in Rego v1 modules.
   */
  readonly deprecated?: boolean;
}

/** One family's builtins, by name (`strings.ts` exports the string functions, and so on). */
export type ImplTable = Readonly<Record<string, BuiltinImpl | ImplSpec>>;
