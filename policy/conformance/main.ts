/**
 * @module `npm run conformance`: runs OPA's conformance suite through Palisade and prints pass/fail per
 * directory, ending with `conformance: <passed>/<total> passed`. Conformance layer (a script entry).
 *
 * Usage: node dist/policy/conformance/main.js [SUITE_DIR] [--plans OPA_IR_DIR] [--target ir|wasm]
 *   [--filter TEXT]… [--report FILE] [--exceptions FILE] [--jobs N] [--timeout MS] [-v]
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../../lib/package-info.js';
import { EXCEPTIONS_PATH, loadExceptions } from './exceptions.js';
import { type ConformanceReport, runConformance } from './runner.js';

const USAGE = `usage: conformance [SUITE_DIR] [--plans OPA_IR_DIR] [--target ir|wasm] [--filter TEXT]...
                   [--report FILE] [--exceptions FILE] [--jobs N] [--timeout MS] [-v]
  SUITE_DIR   OPA's conformance cases (default ../shared/opa-conformance/v1)
  --plans     evaluate OPA's own plans from this folder instead of compiling with our front end
  --target    ir (the TypeScript evaluator, default) or wasm (policy/wasm)
  --filter    only cases whose note or directory contains TEXT (repeatable)
  --report    write a JSON report (every case, status, reason, time)
  -v          print every failing case's reason (default: the first 3 per directory)`;

function resolveSuiteDir(dir: string): string {
  // Accept the suite root or its v1 folder.
  return dir.endsWith('v1') ? dir : join(dir, 'v1');
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const target = values.target ?? 'ir';
  if (target !== 'ir' && target !== 'wasm') {
    process.stderr.write(`--target must be ir or wasm, got ${target}\n`);
    return 2;
  }
  const root = resolveSuiteDir(
    resolve(positionals[0] ?? join(PACKAGE_ROOT, '..', 'shared', 'opa-conformance')),
  );
  const plansRoot = values.plans === undefined ? undefined : resolveSuiteDir(resolve(values.plans));
  let exceptions: ReturnType<typeof loadExceptions>;
  try {
    exceptions = loadExceptions(values.exceptions ?? EXCEPTIONS_PATH);
  } catch (err) {
    process.stderr.write(`conformance: ${(err as Error).message}\n`);
    return 2;
  }
  const verbose = values.verbose === true;
  const report = await runConformance({
    root,
    plansRoot,
    target,
    filter: values.filter,
    exceptions,
    jobs: values.jobs === undefined ? 1 : Number(values.jobs),
    timeoutMs: values.timeout === undefined ? 20_000 : Number(values.timeout),
  });
  printReport(report, verbose);
  if (values.report) writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
  return report.failed > 0 ? 1 : 0;
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      plans: { type: 'string' },
      target: { type: 'string' },
      filter: { type: 'string', multiple: true },
      report: { type: 'string' },
      exceptions: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function printReport(r: ConformanceReport, verbose: boolean): void {
  const out: string[] = [];
  out.push(`mode: ${r.mode === 'plans' ? "OPA's plans" : 'Palisade front end'}, target: ${r.target}`);
  if (r.mode === 'frontend' && r.frontEnd !== 'policy/compile') out.push(`front end: ${r.frontEnd}`);
  for (const d of r.directories) {
    const status = d.passed === d.total ? 'PASS' : 'FAIL';
    out.push(`${status} ${d.dir} ${d.passed}/${d.total}`);
    const failures = r.cases.filter((c) => c.status !== 'pass' && c.file.startsWith(`${d.dir}/`));
    for (const c of verbose ? failures : failures.slice(0, 3)) {
      const tag = c.status === 'excepted' ? 'EXCEPTED' : 'FAIL';
      out.push(`    ${tag} ${c.note}: ${truncate(c.reason ?? '', verbose ? 2000 : 200)}`);
    }
    if (!verbose && failures.length > 3) out.push(`    … ${failures.length - 3} more (-v to list)`);
  }
  out.push(`excepted: ${r.excepted}, failed: ${r.failed}`);
  out.push(`conformance: ${r.passed}/${r.total} passed`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

process.exitCode = await main();
