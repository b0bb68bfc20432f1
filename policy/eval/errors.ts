/**
 * @module Evaluation errors of the IR evaluator, carrying OPA's topdown codes (`eval_conflict_error`,
 * `eval_builtin_error`, `eval_type_error`, …) and the statement's source position. Evaluator layer.
 */
import { PolicyError } from '../errors.js';

/** OPA's evaluation error codes (v1/topdown/errors.go) the evaluator raises. */
export type RegoEvalErrorCode =
  | 'eval_conflict_error'
  | 'eval_builtin_error'
  | 'eval_type_error'
  | 'eval_internal_error'
  | 'eval_cancel_error';

/** Where in the policy source an error happened (file name from the plan's `static.files`). */
export interface EvalLocation {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

/**
 * An evaluation failed. `regoCode` is OPA's code, `regoMessage` OPA's message without location;
 * `message` is OPA's full text `file:row: code: message`.
 */
export class RegoEvalError extends PolicyError {
  readonly regoCode: RegoEvalErrorCode;
  readonly regoMessage: string;
  readonly location: EvalLocation | undefined;

  constructor(
    regoCode: RegoEvalErrorCode,
    regoMessage: string,
    location?: EvalLocation,
    options: { cause?: unknown } = {},
  ) {
    const where = location ? `${location.file}:${location.row}: ` : '';
    super('ERR_POLICY_EVAL', `${where}${regoCode}: ${regoMessage}`, options);
    this.regoCode = regoCode;
    this.regoMessage = regoMessage;
    this.location = location;
  }
}
