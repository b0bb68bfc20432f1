/**
 * @module The `policy test` engine: compile, plan every test rule as an entrypoint, evaluate each with
 * the IR evaluator, and report PASS / FAIL / ERROR / SKIPPED with positions, failure explanations and
 * optional coverage. Test-runner layer.
 */
import { RE2JS } from 're2js';
import { UsageError } from '../../lib/errors.js';
import {
  type CompiledPolicy,
  compileModules,
  planEntrypoints,
  type RegoError,
  regoParseModule,
} from '../compile/index.js';
import { type EvalTracer, Explainer, evaluatePlan } from '../eval/index.js';
import type { Policy } from '../ir/ir.js';
import { toRegoString } from '../value/index.js';
import { CoverageCollector, type CoverageReport, coverageReport } from './coverage.js';
import { discoverTests, type TestCaseRef } from './discover.js';
import type { LoadedPolicy } from './load.js';

export type TestStatus = 'pass' | 'fail' | 'error' | 'skip';

export interface TestResult {
  readonly name: string;
  readonly pkg: string;
  readonly file: string;
  readonly row: number;
  readonly status: TestStatus;
  readonly durationNs: number;
  /** FAIL: the test's value when it was defined but not `true` (rendered as Rego). */
  readonly value?: string | undefined;
  /** FAIL: why, as explanation lines (rules evaluated, undefined expressions with their values). */
  readonly explanation?: string | undefined;
  /** ERROR: OPA's code and message. */
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

export interface TestRun {
  /** Set when the policy does not compile; no tests ran. */
  readonly compileErrors?: RegoError[];
  readonly results: TestResult[];
  readonly coverage?: CoverageReport | undefined;
}

export interface RunTestsOptions {
  readonly v0Compatible?: boolean | undefined;
  /** Only tests whose name (`data.pkg.test_x`) matches this RE2 expression. */
  readonly run?: string | undefined;
  readonly coverage?: boolean | undefined;
  /** Monotonic clock in nanoseconds, for durations (tests inject a fake one). */
  readonly clock?: (() => bigint) | undefined;
  /** Where `print()` output of tests goes (default: stderr). */
  readonly print?: ((line: string) => void) | undefined;
}

/** Compile and run every test in `loaded`. */
export function runPolicyTests(loaded: LoadedPolicy, opts: RunTestsOptions = {}): TestRun {
  const filter = compileFilter(opts.run);
  const compiled = compileModules(loaded.modules, { v0Compatible: opts.v0Compatible ?? false });
  if (!compiled.ok) return { compileErrors: compiled.errors, results: [] };
  const tests = discoverTests(compiled.compiled).filter((t) => filter(t.name));
  const runnable = tests.filter((t) => !t.todo);
  const plans = planAll(compiled.compiled, runnable);
  const sources = new Map(loaded.modules.map((m) => [m.path, m.text]));
  const clock = opts.clock ?? (() => process.hrtime.bigint());
  const coverage = opts.coverage ? new Map<Policy, CoverageCollector>() : undefined;
  const results = tests.map((t): TestResult => {
    const base = { name: t.name, pkg: t.pkg, file: t.file, row: t.row };
    if (t.todo) return { ...base, status: 'skip', durationNs: 0 };
    const planned = plans.get(t.entrypoint);
    if (planned === undefined || 'error' in planned) {
      const message = planned?.error ?? 'not planned';
      return { ...base, status: 'error', durationNs: 0, error: { code: 'rego_compile_error', message } };
    }
    let collector: CoverageCollector | undefined;
    if (coverage) {
      collector = coverage.get(planned.policy) ?? new CoverageCollector(planned.policy);
      coverage.set(planned.policy, collector);
    }
    const start = clock();
    try {
      const rs = evaluatePlan(planned.policy, {
        plan: t.entrypoint,
        data: loaded.data,
        tracer: collector,
        print: opts.print,
        network: 'allow',
        parseModule: regoParseModule({ v0Compatible: opts.v0Compatible ?? false }),
      });
      const durationNs = Number(clock() - start);
      const value = rs[0]?.get('result');
      if (value === true) return { ...base, status: 'pass', durationNs };
      return {
        ...base,
        status: 'fail',
        durationNs,
        value: value === undefined ? undefined : toRegoString(value),
        explanation: explainFailure(planned.policy, t, loaded, sources),
      };
    } catch (err) {
      const durationNs = Number(clock() - start);
      const e = err as { regoCode?: unknown; message?: unknown };
      const code = typeof e.regoCode === 'string' ? e.regoCode : 'eval_internal_error';
      return { ...base, status: 'error', durationNs, error: { code, message: String(e.message ?? err) } };
    }
  });
  return {
    results,
    coverage: coverage ? coverageReport([...coverage.values()], ruleLines(compiled.compiled)) : undefined,
  };
}

/**
 * Head and body lines of every rule, so rules no test reaches (and which the planner therefore leaves out
 * of the plan) count as not covered.
 */
function ruleLines(compiled: CompiledPolicy): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  const add = (file: string, row: number) => {
    const rows = out.get(file) ?? new Set<number>();
    rows.add(row);
    out.set(file, rows);
  };
  const walk = (node: CompiledPolicy['root']) => {
    for (const r of node.rules) {
      for (let rule: typeof r.rule | undefined = r.rule; rule; rule = rule.elseRule) {
        add(rule.loc.file, rule.loc.row);
        for (const e of rule.body) if (!e.generated) add(e.loc.file, e.loc.row);
      }
    }
    for (const child of node.children.values()) walk(child);
  };
  walk(compiled.root);
  return out;
}

function compileFilter(run: string | undefined): (name: string) => boolean {
  if (run === undefined || run === '') return () => true;
  try {
    const re = RE2JS.compile(run);
    return (name) => re.matcher(name).find();
  } catch (cause) {
    throw new UsageError(
      `--run: invalid regular expression ${JSON.stringify(run)}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}

type Planned = { policy: Policy } | { error: string };

/** One plan document for all tests; if the planner rejects it, plan each test alone to isolate the error. */
function planAll(compiled: CompiledPolicy, tests: readonly TestCaseRef[]): Map<string, Planned> {
  const out = new Map<string, Planned>();
  if (tests.length === 0) return out;
  try {
    const policy = planEntrypoints(
      compiled,
      tests.map((t) => t.entrypoint),
    );
    for (const t of tests) out.set(t.entrypoint, { policy });
    return out;
  } catch {
    for (const t of tests) {
      try {
        out.set(t.entrypoint, { policy: planEntrypoints(compiled, [t.entrypoint]) });
      } catch (err) {
        out.set(t.entrypoint, { error: (err as Error).message });
      }
    }
    return out;
  }
}

/** Re-run a failed test with the explainer to say which expressions were undefined, with their values. */
function explainFailure(
  policy: Policy,
  t: TestCaseRef,
  loaded: LoadedPolicy,
  sources: ReadonlyMap<string, string>,
): string | undefined {
  const explainer = new Explainer(policy);
  try {
    evaluatePlan(policy, {
      plan: t.entrypoint,
      data: loaded.data,
      tracer: explainer as EvalTracer,
      print: () => {},
    });
  } catch {
    return undefined;
  }
  const text = explainer.render(sources);
  return text === '' ? undefined : text;
}
