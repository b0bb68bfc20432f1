/**
 * @module The audit package's error base class and its stable codes (`ERR_AUDIT_<WHAT>`).
 * Every error thrown by audit/ is an AuditError; callers switch on `code`.
 */
import { ExitCode, PalisadeError, type PalisadeErrorOptions } from '../lib/errors.js';

/** Every code audit/ throws. Listed in docs/errors.md ("Audit"). */
export type AuditErrorCode =
  | 'ERR_AUDIT_KEY'
  | 'ERR_AUDIT_LOCKED'
  | 'ERR_AUDIT_OPEN'
  | 'ERR_AUDIT_WRITE'
  | 'ERR_AUDIT_NO_LOG'
  | 'ERR_AUDIT_EXPORT'
  | 'ERR_AUDIT_OPTION';

/** Base of every error the audit package throws. Match on `code`, never on `instanceof`. */
export class AuditError extends PalisadeError {
  declare readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options: PalisadeErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A bad command-line value (e.g. `--since` not a time): usage error, exit 2. */
export function optionError(message: string, cause?: unknown): AuditError {
  return new AuditError('ERR_AUDIT_OPTION', message, { exitCode: ExitCode.usage, cause });
}
