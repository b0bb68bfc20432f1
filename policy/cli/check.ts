/**
 * @module `palisade policy check PATH…`: parse and compile Rego files and directories, print every
 * diagnostic as file:row:col, exit 1 when there are any (as `opa check` does). CLI layer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { compileModules, formatRegoError, type SourceFile } from '../compile/index.js';
import { PolicyError } from '../errors.js';

/** The `policy` command group, created by whichever policy command registers first. */
export function policyGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'policy') ??
    program.command('policy').description('author, check, format, evaluate and test Rego policies')
  );
}

/** Every `.rego` file under the given files/directories, sorted; hidden directories are skipped. */
export function collectRegoFiles(paths: readonly string[]): SourceFile[] {
  const out: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (err) {
      throw new PolicyError(
        'ERR_POLICY_SOURCE_READ',
        `cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        {
          cause: err,
          exitCode: ExitCode.usage,
        },
      );
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        walk(join(p, name), false);
      }
    } else if (explicit || p.endsWith('.rego')) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return out.map((path) => {
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (err) {
      throw new PolicyError('ERR_POLICY_SOURCE_READ', `cannot read ${path}: ${(err as Error).message}`, {
        cause: err,
        exitCode: ExitCode.usage,
      });
    }
  });
}

interface CheckOptions {
  v0Compatible?: boolean;
  strict?: boolean;
  maxErrors: number;
}

export function registerCheckCommand(policy: Command): void {
  policy
    .command('check')
    .description('parse and compile Rego files; print every error with its position')
    .argument('<path...>', '.rego files or directories (searched recursively)')
    .option('--v0-compatible', 'parse Rego v0 (OPA 0.x syntax)')
    .option(
      '-S, --strict',
      'also report unused imports, := assignments and function arguments (OPA strict mode)',
    )
    .option(
      '-m, --max-errors <n>',
      'stop listing after this many errors (0 = all)',
      (v) => Number.parseInt(v, 10),
      0,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ palisade policy check policies/
  $ palisade policy check --strict policies/
  $ palisade policy check --v0-compatible gatekeeper-library/src
  $ palisade policy check authz.rego --json`,
    )
    .action(
      runAction<CheckOptions, [string[]]>((ctx, opts, paths) => {
        const files = collectRegoFiles(paths);
        const r = compileModules(files, {
          v0Compatible: opts.v0Compatible ?? false,
          strict: opts.strict ?? false,
        });
        if (r.ok) {
          ctx.print(`${files.length} file${files.length === 1 ? '' : 's'} checked, no errors`, {
            files: files.length,
            errors: [],
          });
          return ExitCode.ok;
        }
        const shown = opts.maxErrors > 0 ? r.errors.slice(0, opts.maxErrors) : r.errors;
        const more = r.errors.length - shown.length;
        const lines = [
          `${r.errors.length} error${r.errors.length === 1 ? '' : 's'} occurred:`,
          ...shown.map(formatRegoError),
          ...(more > 0 ? [`… ${more} more (raise --max-errors)`] : []),
        ];
        ctx.print(lines.join('\n'), { files: files.length, errors: r.errors });
        return ExitCode.failed;
      }),
    );
}
