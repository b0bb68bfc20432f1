/**
 * @module Options and hooks of the IR evaluator: builtin resolution and the tracer used by `--explain`
 * and coverage. Evaluator layer.
 */
import type { BuiltinContext } from '../builtins/index.js';
import type { Stmt } from '../ir/ir.js';
import type { Value } from '../value/index.js';

/** What the evaluator needs of a builtin: its implementation (see policy/builtins' registry). */
export interface EvalBuiltin {
  readonly name: string;
  impl(args: readonly Value[], ctx: BuiltinContext): Value | undefined;
}

/** Resolves a builtin by name (`count`, `regex.match`, …); undefined when unknown. */
export type BuiltinResolver = (name: string) => EvalBuiltin | undefined;

/**
 * Observes an evaluation. Every hook is optional; with no tracer the hot path does no extra work.
 * Statement positions are those of the plan (`file` indexes `static.files`).
 */
export interface EvalTracer {
  /** A statement is about to run. */
  stmt?(stmt: Stmt, depth: number): void;
  /**
   * A statement was undefined and ended its block. `operands` are the values it looked at (Equal: a, b;
   * Dot: source, key; Call: the arguments; Is*: the source), `undefined` where a local was unset. When
   * the statement tested a builtin's result, `callee` names the builtin and `operands` are its arguments.
   */
  fail?(stmt: Stmt, depth: number, operands: readonly (Value | undefined)[], callee?: string): void;
  /** A plan function (rule or user function) is entered with these arguments (after input and data). */
  enter?(func: string, args: readonly (Value | undefined)[], depth: number): void;
  /** A plan function returned (undefined result: `undefined`); `memo` when the result came from the memo. */
  exit?(func: string, result: Value | undefined, depth: number, memo: boolean): void;
}

export interface EvaluateOptions {
  /** The input document; absent means `input` is undefined. */
  input?: Value | undefined;
  /** The base document (`data`); defaults to an empty object. */
  data?: Value | undefined;
  /** Which plan to run: a plan name (`eval`, `x/y`); defaults to the only (or first) plan. */
  plan?: string | undefined;
  /** Raise builtin errors (OPA's --strict-builtin-errors) instead of treating them as undefined. */
  strictBuiltinErrors?: boolean | undefined;
  /** Builtin lookup; defaults to Palisade's registry (policy/builtins). */
  builtins?: BuiltinResolver | undefined;
  /** A builtin context to use (advanced: shares a cache or print sink); built from the options otherwise. */
  builtinContext?: BuiltinContext | undefined;
  /** Clock for time.now_ns(), in nanoseconds since the epoch (read once per evaluation). */
  now?: (() => bigint) | undefined;
  /** Where `print()` output goes; defaults to stderr. */
  print?: ((line: string) => void) | undefined;
  tracer?: EvalTracer | undefined;
  /**
   * Whether network builtins (`http.send`, `net.lookup_ip_addr`) may reach the network. Default `deny`
   * (fail closed, as in the proxy); authoring tools (`policy eval`, `policy test`) allow it, as `opa` does.
   */
  network?: 'allow' | 'deny' | undefined;
  /** `rego.parse_module`'s parser (module text → OPA's AST as a value), supplied by the front end. */
  parseModule?: ((filename: string, source: string) => Value) | undefined;
}
