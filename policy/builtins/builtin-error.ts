/**
 * @module The error a builtin throws, and OPA's operand-type-error message builder. Builtins layer.
 * The evaluator turns it into OPA's `eval_builtin_error` / `eval_type_error` (raised only in strict mode,
 * as OPA does, unless `halt` is set).
 */
import { PolicyError } from '../errors.js';
import { typeOf, type Value } from '../value/index.js';

/** OPA's evaluation error code a builtin failure maps to. */
export type BuiltinErrorKind =
  | 'eval_builtin_error'
  | 'eval_type_error'
  /** A template string produced more than one output (always a halt error, as in OPA). */
  | 'eval_conflict_error'
  /** A builtin was called with a value the compiler never produces (always a halt error). */
  | 'eval_internal_error';

export interface BuiltinErrorOptions {
  kind?: BuiltinErrorKind;
  /**
   * Raise even when strict builtin errors are off (OPA's `topdown.Halt`). Used where carrying on with an
   * undefined result would hide a refusal, e.g. a network builtin the proxy forbids.
   */
  halt?: boolean;
  cause?: unknown;
}

/**
 * A builtin failed. `message` is OPA's text: `<builtin>: <reason>` once the registry has prefixed the
 * builtin's name (impls throw the bare reason). Match on `regoCode`, not the message.
 */
export class BuiltinError extends PolicyError {
  readonly regoCode: BuiltinErrorKind;
  readonly halt: boolean;
  /** Name of the builtin that failed; set by the registry. */
  builtin: string | undefined;

  constructor(message: string, options: BuiltinErrorOptions = {}) {
    super('ERR_POLICY_BUILTIN', message, { cause: options.cause });
    this.regoCode = options.kind ?? 'eval_builtin_error';
    this.halt = options.halt ?? false;
    this.builtin = undefined;
  }
}

/** `operand 2 must be string but got number` (one expected type) or `… must be one of {a, b} but got …`. */
export function operandError(position: number, got: Value, ...expected: string[]): BuiltinError {
  const want = expected.length === 1 ? expected[0] : `one of {${expected.join(', ')}}`;
  return new BuiltinError(`operand ${position} must be ${want} but got ${typeOf(got)}`, {
    kind: 'eval_type_error',
  });
}

/** A type error with a message of the builtin's own (`operand 1 must be array of strings but got …`). */
export function typeError(message: string): BuiltinError {
  return new BuiltinError(message, { kind: 'eval_type_error' });
}

/** `operand 1 must be array of numbers but got array containing string` (OPA's NewOperandElementErr). */
export function elementError(
  position: number,
  composite: Value,
  got: Value,
  ...expected: string[]
): BuiltinError {
  const tpe = typeOf(composite);
  const want = expected.length === 1 ? `${expected[0]}s` : `(any of) {${expected.join(', ')}}`;
  return new BuiltinError(
    `operand ${position} must be ${tpe} of ${want} but got ${tpe} containing ${typeOf(got)}`,
    {
      kind: 'eval_type_error',
    },
  );
}

/**
 * A network builtin called in an evaluation that forbids the network (the proxy's default). A halt error:
 * it is raised even without strict builtin errors, so a refusal never turns into a silently undefined value.
 */
export function networkRefused(): BuiltinError {
  return new BuiltinError('network access is disabled for this evaluation (network builtins are refused)', {
    halt: true,
  });
}
