/**
 * @module `palisade policy fmt [--diff|--write|--check] FILE…`: canonical Rego formatting, like
 * `opa fmt`. Prints the result, a diff, rewrites files in place, or (for CI) fails when any file is
 * not formatted. CLI layer.
 */
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import { ExitCode, UsageError } from '../../lib/errors.js';
import { formatRegoError } from '../compile/index.js';
import { formatSource, lineDiff } from '../format/index.js';
import { collectRegoFiles } from './check.js';

interface FmtOptions {
  diff?: boolean;
  write?: boolean;
  check?: boolean;
  v0Compatible?: boolean;
  v0V1?: boolean;
}

export function registerFmtCommand(policy: Command): void {
  policy
    .command('fmt')
    .description('format Rego files canonically')
    .argument('<path...>', '.rego files or directories')
    .option('-d, --diff', 'print a diff of the changes instead of the formatted text')
    .option('-w, --write', 'rewrite files in place')
    .option('--check', 'exit 1 if any file is not formatted (for CI); prints their names')
    .option('--v0-compatible', 'parse and print Rego v0 (OPA 0.x syntax)')
    .option(
      '--v0-v1',
      'parse Rego v0 and print Rego v1 with import rego.v1 (read by OPA 0.x and 1.x); what v1 forbids, such as deprecated builtins, is an error',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ palisade policy fmt authz.rego            # print the formatted file
  $ palisade policy fmt --write policies/     # format in place
  $ palisade policy fmt --check policies/     # CI: fail when a file needs formatting
  $ palisade policy fmt --diff authz.rego
  $ palisade policy fmt --v0-v1 --write legacy/  # rewrite Rego v0 policies as Rego v1`,
    )
    .action(
      runAction<FmtOptions, [string[]]>(async (ctx, opts, paths) => {
        const modes = [opts.diff, opts.write, opts.check].filter(Boolean).length;
        if (modes > 1) throw new UsageError('--diff, --write and --check are mutually exclusive');
        const files = collectRegoFiles(paths);
        const human: string[] = [];
        const report: { file: string; changed: boolean; errors?: unknown[] }[] = [];
        let failed = false;
        for (const f of files) {
          const r = formatSource(f.path, f.text, {
            v0Compatible: opts.v0Compatible ?? false,
            v0ToV1: opts.v0V1 ?? false,
          });
          if (!r.ok) {
            failed = true;
            human.push(...r.errors.map(formatRegoError));
            report.push({ file: f.path, changed: false, errors: r.errors });
            continue;
          }
          const changed = r.formatted !== f.text;
          report.push({ file: f.path, changed });
          if (opts.check) {
            if (changed) {
              failed = true;
              human.push(`${f.path}: not formatted`);
            }
          } else if (opts.diff) {
            if (changed) human.push(lineDiff(f.path, f.text, r.formatted));
          } else if (opts.write) {
            if (changed) {
              await writeFileDurable(f.path, r.formatted, { mode: FileMode.public });
              human.push(`formatted ${f.path}`);
            }
          } else human.push(r.formatted.replace(/\n$/, ''));
        }
        ctx.print(human.join('\n'), { files: report });
        return failed ? ExitCode.failed : ExitCode.ok;
      }),
    );
}
