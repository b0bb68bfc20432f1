/**
 * @module The conventions every `palisade` command follows, in one place. Foundation layer.
 * Global options (`--json`, `--state-dir`, `--log-level`), the per-command context, result printing,
 * and the mapping of errors to one line on stderr and an exit code (0 ok, 1 failed, 2 usage/config).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { ExitCode, isPalisadeError } from './errors.js';
import { createLogger, type Logger, parseLogLevel } from './logger.js';
import { resolveStateDir } from './state-dir.js';

/** What a command handler gets: resolved global options and output helpers. */
export interface CommandContext {
  /** `--json` was given: print one machine-readable JSON document on stdout. */
  readonly json: boolean;
  /** Absolute state directory (`--state-dir` > `PALISADE_HOME` > `./.palisade`). Not created here. */
  readonly stateDir: string;
  readonly logger: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Print a result: `human` on a text run, `json` (JSON-serialised) with `--json`. */
  print(human: string, json: unknown): void;
}

/** Signature each component exports from its `cli` folder; `bin/` only calls these. */
export type RegisterCommands = (program: Command) => void;

/** Options every command inherits from the root program. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--state-dir <dir>', 'state directory (default: $PALISADE_HOME or ./.palisade)')
    .option(
      '--log-level <level>',
      'fatal|error|warn|info|debug|trace|silent (default: $PALISADE_LOG_LEVEL or info)',
    );
}

/** Build the context for a running command from its global options. */
export function commandContext(command: Command, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const opts = command.optsWithGlobals<{ json?: boolean; stateDir?: string; logLevel?: string }>();
  const level =
    parseLogLevel(opts.logLevel, '--log-level') ??
    parseLogLevel(env.PALISADE_LOG_LEVEL, 'PALISADE_LOG_LEVEL') ??
    'info';
  const json = opts.json === true;
  return {
    json,
    stateDir: resolveStateDir({ flag: opts.stateDir, env }),
    logger: createLogger({ level, name: command.name() }),
    env,
    print(human: string, value: unknown) {
      process.stdout.write(
        json ? `${JSON.stringify(value, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`,
      );
    },
  };
}

/**
 * Wrap a command handler: build its context, run it, set the exit code it returns (default 0).
 * Errors propagate to `reportError` in bin/, so every command fails the same way.
 *
 * @example
 * program.command('status').action(runAction(async (ctx, opts) => { ctx.print('ok', { ok: true }); }));
 */
export function runAction<O extends object, A extends unknown[] = []>(
  handler: (ctx: CommandContext, opts: O, ...args: A) => Promise<ExitCode | undefined> | ExitCode | undefined,
): (...received: unknown[]) => Promise<void> {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const args = received.slice(0, -2) as A;
    const ctx = commandContext(command);
    const code = await handler(ctx, command.opts<O>(), ...args);
    process.exitCode = code ?? ExitCode.ok;
  };
}

/**
 * Print one clear line for a failed command (a JSON object with `--json`) and return its exit code.
 * Stack traces only with PALISADE_DEBUG=1.
 */
export function reportError(err: unknown, options: { json: boolean; env?: NodeJS.ProcessEnv }): ExitCode {
  const env = options.env ?? process.env;
  const debug = env.PALISADE_DEBUG === '1';
  const code = isPalisadeError(err) ? err.code : 'ERR_INTERNAL';
  const exitCode = isPalisadeError(err) ? err.exitCode : ExitCode.failed;
  const message = err instanceof Error ? err.message : String(err);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  } else {
    const lines = message.split('\n');
    const prefix = lines.length > 1 ? `palisade: error [${code}]:\n  ` : `palisade: error [${code}]: `;
    process.stderr.write(`${prefix}${lines.join('\n  ')}\n`);
  }
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else if (!isPalisadeError(err) && !options.json) {
    process.stderr.write('palisade: this is a bug; run with PALISADE_DEBUG=1 for a stack trace\n');
  }
  return exitCode;
}

/** Wrap a parser that throws into a commander option parser: a bad value is a usage error (exit 2). */
export function optionParser<T>(parse: (raw: string) => T): (raw: string) => T {
  return (raw: string) => {
    try {
      return parse(raw);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}
