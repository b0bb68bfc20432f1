/**
 * @module Citadel's error type and its stable codes. Every failure in citadel/ is a CitadelError whose
 * `code` callers switch on; the public message is short and safe to send to a peer, the cause is kept.
 */
import { ExitCode, PalisadeError } from '../lib/errors.js';

/** Every code citadel throws. Listed, with meanings, in docs/errors.md ("Citadel"). */
export type CitadelErrorCode =
  | 'ERR_CITADEL_SPIFFE_ID'
  | 'ERR_CITADEL_CERT_PARSE'
  | 'ERR_CITADEL_CSR_INVALID'
  | 'ERR_CITADEL_KEY_TYPE'
  | 'ERR_CITADEL_SVID_EXPIRED'
  | 'ERR_CITADEL_SVID_NOT_YET_VALID'
  | 'ERR_CITADEL_SVID_UNTRUSTED'
  | 'ERR_CITADEL_SVID_URI_SAN'
  | 'ERR_CITADEL_SVID_FOREIGN_TRUST_DOMAIN'
  | 'ERR_CITADEL_SVID_INVALID'
  | 'ERR_CITADEL_BUNDLE_INVALID'
  | 'ERR_CITADEL_STATE_MISSING'
  | 'ERR_CITADEL_STATE_EXISTS'
  | 'ERR_CITADEL_STATE_CORRUPT'
  | 'ERR_CITADEL_STATE_LOCKED'
  | 'ERR_CITADEL_TOKEN_INVALID'
  | 'ERR_CITADEL_TOKEN_REPLAYED'
  | 'ERR_CITADEL_UNAUTHENTICATED'
  | 'ERR_CITADEL_PERMISSION_DENIED'
  | 'ERR_CITADEL_INVALID_ARGUMENT'
  | 'ERR_CITADEL_ROOT_IN_USE'
  | 'ERR_CITADEL_NO_RETIRING_ROOT'
  | 'ERR_CITADEL_ROTATION_IN_PROGRESS'
  | 'ERR_CITADEL_SVID_DIR'
  | 'ERR_CITADEL_RPC';

/** Codes that mean "the caller asked wrongly" and end a CLI command with exit code 2. */
const USAGE_CODES: ReadonlySet<CitadelErrorCode> = new Set<CitadelErrorCode>([
  'ERR_CITADEL_SPIFFE_ID',
  'ERR_CITADEL_KEY_TYPE',
  'ERR_CITADEL_INVALID_ARGUMENT',
]);

/**
 * The one error class of citadel/. Match on `code`, not `instanceof`.
 *
 * @example
 * try { validateX509Svid(chain, bundle); } catch (err) {
 *   if (isCitadelError(err) && err.code === 'ERR_CITADEL_SVID_EXPIRED') renewNow();
 * }
 */
export class CitadelError extends PalisadeError {
  declare readonly code: CitadelErrorCode;

  constructor(code: CitadelErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, {
      cause: options.cause,
      exitCode: USAGE_CODES.has(code) ? ExitCode.usage : ExitCode.failed,
    });
  }
}

/** Narrow an unknown thrown value to a CitadelError by its code prefix (works across package copies). */
export function isCitadelError(value: unknown): value is CitadelError {
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (value as unknown as { code: string }).code.startsWith('ERR_CITADEL_')
  );
}
