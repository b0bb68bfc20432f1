/**
 * @module Runs the conformance suite (or a filtered part) in one mode and target and builds the report:
 * per-directory counts, every failure with its reason, exceptions applied. Conformance layer.
 */
import { type ConformanceException, findException } from './exceptions.js';
import type { Target } from './expect.js';
import { judge } from './expect.js';
import { loadFrontEnd } from './front-end.js';
import { runAll } from './pool.js';
import { runCase } from './run-case.js';
import { type ConformanceCase, listCaseFiles, loadCaseFile } from './suite.js';
import type { CaseOutcome, CaseRequest } from './worker.js';

export interface ConformanceOptions {
  /** Suite root holding the case directories (`../shared/opa-conformance/v1`). */
  readonly root: string;
  /** OPA's plans root (`../shared/opa-ir/v1`): run OPA's plans instead of our front end. */
  readonly plansRoot?: string | undefined;
  readonly target?: Target | undefined;
  /** Substrings; a case runs when its note or directory contains any of them. */
  readonly filter?: readonly string[] | undefined;
  readonly exceptions?: readonly ConformanceException[] | undefined;
  /** Worker threads; 0 runs in-process (fast, no timeout protection: for tests). */
  readonly jobs?: number | undefined;
  readonly timeoutMs?: number | undefined;
  /** Called after each case (progress). */
  readonly onCase?: ((c: ConformanceCase, outcome: CaseOutcome) => void) | undefined;
}

export interface CaseReport {
  readonly note: string;
  readonly file: string;
  readonly status: 'pass' | 'fail' | 'excepted';
  readonly reason?: string | undefined;
  readonly ms: number;
}

export interface DirectoryReport {
  readonly dir: string;
  readonly passed: number;
  readonly total: number;
}

export interface ConformanceReport {
  readonly mode: 'plans' | 'frontend';
  readonly target: Target;
  readonly passed: number;
  readonly total: number;
  readonly excepted: number;
  readonly failed: number;
  readonly frontEnd: string;
  readonly directories: DirectoryReport[];
  readonly cases: CaseReport[];
}

/** Load (and filter) the suite's cases. */
export function loadSuite(root: string, filter?: readonly string[]): ConformanceCase[] {
  const all = listCaseFiles(root).flatMap((f) => loadCaseFile(root, f));
  if (!filter || filter.length === 0) return all;
  return all.filter((c) => filter.some((f) => c.note.includes(f) || c.dir === f));
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceReport> {
  const target = opts.target ?? 'ir';
  const mode = opts.plansRoot !== undefined ? 'plans' : 'frontend';
  const cases = loadSuite(opts.root, opts.filter);
  const runOptions = { plansRoot: opts.plansRoot, target };
  let outcomes: CaseOutcome[];
  if ((opts.jobs ?? 1) === 0) {
    outcomes = [];
    for (const [id, c] of cases.entries()) {
      const start = performance.now();
      const reason = judge(c, await runCase(c, runOptions), target);
      const o = { id, pass: reason === undefined, reason, ms: performance.now() - start };
      outcomes.push(o);
      opts.onCase?.(c, o);
    }
  } else {
    const requests: CaseRequest[] = cases.map((c, id) => ({
      id,
      root: opts.root,
      file: c.file,
      index: c.index,
      options: runOptions,
    }));
    outcomes = await runAll(requests, {
      jobs: opts.jobs ?? 1,
      timeoutMs: opts.timeoutMs ?? 20_000,
      onOutcome: (o) => opts.onCase?.(cases[o.id] as ConformanceCase, o),
    });
  }
  const fe = mode === 'frontend' ? await loadFrontEnd() : undefined;
  const reports: CaseReport[] = cases.map((c, i) => {
    const o = outcomes[i] as CaseOutcome;
    if (o.pass) return { note: c.note, file: c.file, status: 'pass', ms: round(o.ms) };
    const ex = findException(opts.exceptions ?? [], c.note, mode, target);
    const reason = ex ? `${ex.reason} (actual: ${o.reason})` : o.reason;
    return { note: c.note, file: c.file, status: ex ? 'excepted' : 'fail', reason, ms: round(o.ms) };
  });
  const dirs = new Map<string, { passed: number; total: number }>();
  cases.forEach((c, i) => {
    const d = dirs.get(c.dir) ?? { passed: 0, total: 0 };
    d.total++;
    if (reports[i]?.status === 'pass') d.passed++;
    dirs.set(c.dir, d);
  });
  const passed = reports.filter((r) => r.status === 'pass').length;
  const excepted = reports.filter((r) => r.status === 'excepted').length;
  return {
    mode,
    target,
    passed,
    total: cases.length,
    excepted,
    failed: cases.length - passed - excepted,
    frontEnd: fe === undefined ? 'not used' : typeof fe === 'string' ? fe : 'policy/compile',
    directories: [...dirs].map(([dir, d]) => ({ dir, ...d })),
    cases: reports,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
