/**
 * @module The policy package's error base class. Codes are `ERR_POLICY_<WHAT>`; Rego diagnostics
 * (rego_parse_error, eval_conflict_error, …) are OPA's own codes and travel inside these errors.
 */
import { PalisadeError, type PalisadeErrorOptions } from '../lib/errors.js';

/** Base of every error the policy package throws. Match on `code`, never on `instanceof`. */
export class PolicyError extends PalisadeError {
  constructor(code: `ERR_POLICY_${string}`, message: string, options: PalisadeErrorOptions = {}) {
    super(code, message, options);
  }
}
