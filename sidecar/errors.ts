/**
 * @module The sidecar's error types: one base class with stable `ERR_SIDECAR_*` codes. Errors layer of the
 * data plane; the wire mapping of these errors lives in rescue.ts, never here.
 */
import { ExitCode, PalisadeError, type PalisadeErrorOptions } from '../lib/errors.js';

/** Every code the sidecar throws or reports. Callers `switch (err.code)`. */
export type SidecarErrorCode =
  | 'ERR_SIDECAR_CONFIG'
  | 'ERR_SIDECAR_UNAUTHORIZED'
  | 'ERR_SIDECAR_POLICY_LOAD'
  | 'ERR_SIDECAR_POLICY_EVAL'
  | 'ERR_SIDECAR_POLICY_TIMEOUT'
  | 'ERR_SIDECAR_PEER_IDENTITY'
  | 'ERR_SIDECAR_SECURE_NAMING'
  | 'ERR_SIDECAR_UPSTREAM'
  | 'ERR_SIDECAR_IDENTITY'
  | 'ERR_SIDECAR_LISTEN'
  | 'ERR_SIDECAR_UP';

/** Base class of every sidecar error. */
export class SidecarError extends PalisadeError {
  declare readonly code: SidecarErrorCode;

  constructor(code: SidecarErrorCode, message: string, options: PalisadeErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A configuration value is unusable beyond what the schema can say (e.g. a port used twice). Exit 2. */
export class SidecarConfigError extends SidecarError {
  constructor(message: string, options: Omit<PalisadeErrorOptions, 'exitCode'> = {}) {
    super('ERR_SIDECAR_CONFIG', message, { ...options, exitCode: ExitCode.usage });
  }
}

/**
 * The policy denied a request or connection. `reason` is what the policy said (safe to send to the peer);
 * `detail` is for logs only (why evaluation failed), never sent on the wire.
 */
export class UnauthorizedError extends SidecarError {
  readonly reason: string;
  readonly detail: string | undefined;

  constructor(reason: string, detail?: string, options: Omit<PalisadeErrorOptions, 'exitCode'> = {}) {
    super('ERR_SIDECAR_UNAUTHORIZED', `denied: ${reason}`, options);
    this.reason = reason;
    this.detail = detail;
  }
}

/** The server on the other end of an outbound connection is not the identity configured for the service. */
export class SecureNamingError extends SidecarError {
  readonly expected: string;
  readonly presented: string;

  constructor(expected: string, presented: string, options: Omit<PalisadeErrorOptions, 'exitCode'> = {}) {
    super(
      'ERR_SIDECAR_SECURE_NAMING',
      `secure naming: expected server identity ${expected}, peer presented ${presented}`,
      options,
    );
    this.expected = expected;
    this.presented = presented;
  }
}

/** Discriminated helper: true when `err` is a sidecar error with the given code. */
export function hasSidecarCode(err: unknown, code: SidecarErrorCode): err is SidecarError {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
