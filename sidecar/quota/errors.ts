/**
 * @module The quota engine's error base class. Sidecar layer (sidecar/quota), codes `ERR_QUOTA_<WHAT>`.
 * Every quota error is a reason to deny the request: the engine fails closed.
 */
import { PalisadeError, type PalisadeErrorOptions } from '../../lib/errors.js';

/** Every code the quota engine throws; callers `switch (err.code)`. */
export type QuotaErrorCode =
  /** The policy's quota entrypoint returned something that is not a valid set of limits. */
  | 'ERR_QUOTA_LIMIT_INVALID'
  /** A policy returned a `global` limit but this sidecar has no `quota.global` (Redis) configured. */
  | 'ERR_QUOTA_NO_BACKEND'
  /** Redis could not answer in time (down, slow, refused the script); handled per `on_unavailable`. */
  | 'ERR_QUOTA_REDIS_UNAVAILABLE'
  /** `check()` was called after `close()`. */
  | 'ERR_QUOTA_CLOSED';

/** Base of every error the quota engine throws. Match on `code`, never on `instanceof`. */
export class QuotaError extends PalisadeError {
  declare readonly code: QuotaErrorCode;

  constructor(code: QuotaErrorCode, message: string, options: PalisadeErrorOptions = {}) {
    super(code, message, options);
  }
}
