/**
 * @module `palisade policy test PATH… [-v] [--run REGEX] [--coverage] [--format json]`: run every `test_*`
 * rule, report PASS/FAIL/ERROR with positions and the values behind failures, exit 1 if any test did not
 * pass (as `opa test` does). CLI layer.
 */
import type { Command } from 'commander';
import { optionParser, runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { formatTestRun, loadPolicyPaths, runPolicyTests, testRunJson } from '../test-runner/index.js';

interface TestOptions {
  verbose?: boolean;
  run?: string;
  coverage?: boolean;
  format: 'pretty' | 'json';
  v0Compatible?: boolean;
}

export function registerTestCommand(policy: Command): void {
  policy
    .command('test')
    .description('run the Rego tests (rules named test_*) in the given files and directories')
    .argument('<path...>', '.rego files, data.json/data.yaml files or directories')
    .option('-v, --verbose', 'list passing tests too')
    .option('-r, --run <regex>', 'only tests whose name (data.pkg.test_x) matches this RE2 expression')
    .option('-c, --coverage', 'report line coverage per file')
    .option(
      '-f, --format <format>',
      'pretty or json',
      optionParser((v) => {
        if (v !== 'pretty' && v !== 'json') throw new Error(`--format must be pretty or json, got ${v}`);
        return v;
      }),
      'pretty',
    )
    .option('--v0-compatible', 'parse Rego v0 (OPA 0.x syntax)')
    .addHelpText(
      'after',
      `
Examples:
  $ palisade policy test policies/
  $ palisade policy test -v --run 'authz.test_deny' policies/
  $ palisade policy test --coverage policies/
  $ palisade policy test --format json policies/ > results.json

Tests may mock with \`with input as …\`, \`with data.x as …\` and \`with f as g\`. todo_test_* rules are
listed as SKIPPED. Exit status: 0 when every test passed, 1 otherwise (or when there are none).`,
    )
    .action(
      runAction<TestOptions, [string[]]>((ctx, opts, paths) => {
        const loaded = loadPolicyPaths(paths);
        const run = runPolicyTests(loaded, {
          v0Compatible: opts.v0Compatible ?? false,
          run: opts.run,
          coverage: opts.coverage ?? false,
          print: (line) => process.stderr.write(`${line}\n`),
        });
        if (ctx.json || opts.format === 'json') {
          process.stdout.write(`${JSON.stringify(testRunJson(run), null, 2)}\n`);
        } else {
          process.stdout.write(`${formatTestRun(run, opts.verbose ?? false)}\n`);
        }
        const ok =
          !run.compileErrors &&
          run.results.length > 0 &&
          run.results.every((r) => r.status === 'pass' || r.status === 'skip');
        return ok ? ExitCode.ok : ExitCode.failed;
      }),
    );
}
