/**
 * A fast, representative slice of OPA's conformance suite (a few hundred cases) through OPA's own plans
 * and the IR evaluator, in-process. Skips when ../shared (the suite) is absent.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../../../lib/package-info.js';
import { EXCEPTIONS_PATH, loadExceptions } from '../../../policy/conformance/exceptions.js';
import { runConformance } from '../../../policy/conformance/runner.js';

const SUITE = join(PACKAGE_ROOT, '..', 'shared', 'opa-conformance', 'v1');
const PLANS = join(PACKAGE_ROOT, '..', 'shared', 'opa-ir', 'v1');
const skip =
  existsSync(SUITE) && existsSync(PLANS) ? false : 'needs ../shared/opa-conformance and ../shared/opa-ir';

// Language semantics rather than builtin coverage: every IR statement kind appears in these directories.
const SLICE = [
  'aggregates',
  'arithmetic',
  'baseandvirtualdocs',
  'comparisonexpr',
  'completedoc',
  'compositebasedereference',
  'defaultkeyword',
  'elsekeyword',
  'every',
  'functions',
  'indirectreferences',
  'negation',
  'nestedreferences',
  'partialdocconstants',
  'partialiter',
  'partialobjectdoc',
  'partialsetdoc',
  'planner-ir',
  'refheads',
  'sets',
  'topdowndynamicdispatch',
  'undos',
  'varreferences',
  'virtualdocs',
  'withkeyword',
];

test('conformance slice through OPA plans: every case passes or is a listed exception', {
  skip,
}, async (t) => {
  const report = await runConformance({
    root: SUITE,
    plansRoot: PLANS,
    filter: SLICE,
    exceptions: loadExceptions(EXCEPTIONS_PATH),
    jobs: 0,
  });
  assert.ok(report.total >= 300, `slice has ${report.total} cases`);
  const failures = report.cases.filter((c) => c.status === 'fail').map((c) => `${c.note}: ${c.reason}`);
  // Builtins land family by family (policy/builtins); a case needing one that is not there yet is listed,
  // not failed here — the full `npm run conformance` run counts it.
  const missing = failures.filter((f) => f.includes('eval_internal_error: unknown function'));
  for (const m of missing) t.diagnostic(`waiting for a builtin: ${m}`);
  assert.deepEqual(
    failures.filter((f) => !missing.includes(f)),
    [],
  );
  assert.ok(report.passed + report.excepted + missing.length === report.total);
  t.diagnostic(`slice: ${report.passed}/${report.total} passed, ${report.excepted} excepted`);
});
