/**
 * @module Renders a test run for people (OPA's `opa test` layout: failures with positions and the values
 * involved, a summary, coverage) and for machines (JSON). Test-runner layer.
 */
import type { RegoError } from '../compile/index.js';
import type { CoverageReport, LineRange } from './coverage.js';
import type { TestResult, TestRun } from './run-tests.js';

const RULE = '-'.repeat(80);

/** Human-readable report; `verbose` lists passing tests too. */
export function formatTestRun(run: TestRun, verbose: boolean): string {
  if (run.compileErrors) return formatCompileErrors(run.compileErrors);
  const lines: string[] = [];
  let lastFile: string | undefined;
  for (const r of run.results) {
    if (!verbose && r.status === 'pass') continue;
    if (r.file !== lastFile) {
      if (lastFile !== undefined) lines.push('');
      lines.push(`${r.file}:`);
      lastFile = r.file;
    }
    lines.push(`${r.name}: ${label(r)}${r.status === 'skip' ? '' : ` (${duration(r.durationNs)})`}`);
    if (r.status === 'fail') {
      lines.push(
        `  ${r.file}:${r.row}: ${r.value === undefined ? 'test is undefined' : `test value is ${r.value}, not true`}`,
      );
      if (r.explanation) for (const l of r.explanation.split('\n')) lines.push(`    ${l}`);
    } else if (r.status === 'error' && r.error) {
      lines.push(`  ${r.error.message}`);
    }
  }
  const total = run.results.length;
  if (total === 0) return 'no tests found';
  const count = (s: TestResult['status']) => run.results.filter((r) => r.status === s).length;
  if (lines.length > 0) lines.push(RULE);
  for (const [s, name] of [
    ['pass', 'PASS'],
    ['fail', 'FAIL'],
    ['error', 'ERROR'],
    ['skip', 'SKIPPED'],
  ] as const) {
    const n = count(s);
    if (n > 0 || s === 'pass') lines.push(`${name}: ${n}/${total}`);
  }
  if (run.coverage) lines.push(RULE, ...formatCoverage(run.coverage));
  return lines.join('\n');
}

function label(r: TestResult): string {
  return r.status === 'pass'
    ? 'PASS'
    : r.status === 'fail'
      ? 'FAIL'
      : r.status === 'error'
        ? 'ERROR'
        : 'SKIPPED';
}

function duration(ns: number): string {
  if (ns < 1_000_000) return `${(ns / 1000).toFixed(0)}µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(1)}ms`;
  return `${(ns / 1_000_000_000).toFixed(2)}s`;
}

function formatCoverage(c: CoverageReport): string[] {
  const out = [
    `coverage: ${c.coverage}% (${c.covered_lines} of ${c.covered_lines + c.not_covered_lines} lines)`,
  ];
  for (const [file, f] of Object.entries(c.files)) {
    const missing = f.not_covered.map(rangeText).join(', ');
    out.push(`  ${file}: ${f.coverage}%${missing ? ` (not covered: ${missing})` : ''}`);
  }
  return out;
}

function rangeText(r: LineRange): string {
  return r.start.row === r.end.row ? `${r.start.row}` : `${r.start.row}-${r.end.row}`;
}

function formatCompileErrors(errors: readonly RegoError[]): string {
  const lines = errors.map((e) => {
    const where = e.location ? `${e.location.file}:${e.location.row}:${e.location.col}: ` : '';
    return `${where}${e.code}: ${e.message}`;
  });
  return [`${errors.length} error${errors.length === 1 ? '' : 's'} occurred:`, ...lines].join('\n');
}

/**
 * Machine-readable report: one entry per test (`opa test --format json` field names), and the coverage
 * report when coverage was collected.
 */
export function testRunJson(run: TestRun): unknown {
  if (run.compileErrors) return { errors: run.compileErrors };
  const tests = run.results.map((r) => ({
    location: { file: r.file, row: r.row, col: 1 },
    package: r.pkg,
    name: r.name.slice(r.pkg.length + 1),
    status: r.status,
    ...(r.status === 'fail' ? { fail: true } : {}),
    ...(r.status === 'skip' ? { skip: true } : {}),
    ...(r.error ? { error: r.error } : {}),
    ...(r.value !== undefined ? { value: r.value } : {}),
    ...(r.explanation ? { explanation: r.explanation.split('\n') } : {}),
    duration: r.durationNs,
  }));
  return run.coverage ? { tests, coverage: run.coverage } : tests;
}
