/**
 * @module The base error type every Palisade package extends, and the exit-code convention the CLI maps
 * errors to. Foundation layer: imported by every component, imports nothing of ours.
 */

/** Process exit codes shared by every command: 1 = the operation ran and failed, 2 = usage or configuration. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface PalisadeErrorOptions {
  cause?: unknown;
  /** Exit code a CLI command ends with when this error escapes it. Defaults to 1 (operation failed). */
  exitCode?: ExitCode;
}

/**
 * Base class of every error Palisade throws. Callers match on `code` (stable, `ERR_<PKG>_<WHAT>`), never on
 * `instanceof`, because two copies of a package break `instanceof`.
 */
export class PalisadeError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: PalisadeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.failed;
  }
}

/** A command was called wrongly: unknown option, missing argument, bad flag value. Exit code 2. */
export class UsageError extends PalisadeError {
  constructor(message: string, options: Omit<PalisadeErrorOptions, 'exitCode'> = {}) {
    super('ERR_USAGE', message, { ...options, exitCode: ExitCode.usage });
  }
}

/** A configuration file or environment override is unreadable or invalid. Exit code 2. */
export class ConfigError extends PalisadeError {
  /** Every problem found, one line each, already naming file and field. */
  readonly problems: readonly string[];

  constructor(
    code: 'ERR_CONFIG_READ' | 'ERR_CONFIG_PARSE' | 'ERR_CONFIG_INVALID' | 'ERR_CONFIG_ENV',
    problems: readonly string[],
    options: Omit<PalisadeErrorOptions, 'exitCode'> = {},
  ) {
    super(code, problems.join('\n'), { ...options, exitCode: ExitCode.usage });
    this.problems = problems;
  }
}

/** Narrowing helper: a thrown value that carries a Palisade error code. */
export function isPalisadeError(value: unknown): value is PalisadeError {
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { exitCode?: unknown }).exitCode === 'number'
  );
}
