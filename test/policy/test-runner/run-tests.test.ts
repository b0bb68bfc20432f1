/**
 * The `policy test` engine over a real policy directory: discovery, PASS/FAIL/ERROR/SKIPPED, failure
 * explanations with values, --run filtering, coverage, compile errors, data file placement.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  formatTestRun,
  loadPolicyPaths,
  runPolicyTests,
  testRunJson,
} from '../../../policy/test-runner/index.js';
import { toRegoString } from '../../../policy/value/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { writeAuthzPolicy } from './fixtures.js';

// A fake monotonic clock: every reading advances 1 ms, so durations are deterministic.
function fakeClock(): () => bigint {
  let t = 0n;
  return () => {
    t += 1_000_000n;
    return t;
  };
}

test('loads modules and places data files at their directory path', async (t) => {
  const dir = await tempDir(t);
  await writeAuthzPolicy(dir);
  const loaded = loadPolicyPaths([dir]);
  assert.equal(loaded.modules.length, 2);
  assert.equal(toRegoString(loaded.data), '{"palisade": {"authz": {"admins": ["root"]}}}');
});

test('conflicting data files are a usage error naming the path', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'a.json'), '{"x": 1}');
  await writeFile(join(dir, 'b.json'), '{"x": 2}');
  assert.throws(() => loadPolicyPaths([join(dir, 'a.json'), join(dir, 'b.json')]), {
    code: 'ERR_POLICY_DATA',
    message: `${join(dir, 'b.json')}: data conflicts with another data file at data.x`,
  });
  assert.throws(() => loadPolicyPaths([join(dir, 'missing')]), { code: 'ERR_POLICY_SOURCE_READ' });
});

test('runs every test and reports each outcome', async (t) => {
  const dir = await tempDir(t);
  await writeAuthzPolicy(dir);
  const run = runPolicyTests(loadPolicyPaths([dir]), { clock: fakeClock() });
  const byName = Object.fromEntries(run.results.map((r) => [r.name.replace('data.palisade.authz.', ''), r]));
  assert.deepEqual(Object.fromEntries(Object.entries(byName).map(([k, r]) => [k, r.status])), {
    test_public_get: 'pass',
    test_admin: 'pass',
    test_admin_mocked: 'pass',
    test_bob_denied: 'fail',
    test_conflict: 'error',
    todo_test_later: 'skip',
  });
  const bob = byName.test_bob_denied;
  assert.ok(bob);
  assert.equal(bob.durationNs, 1_000_000);
  assert.equal(bob.row, 15);
  assert.match(bob.explanation ?? '', /data\.palisade\.authz\.allow => false/);
  assert.match(
    bob.explanation ?? '',
    /authz\.rego:6: input\.method == "GET" {3}\[equal\("POST", "GET"\) is false\]/,
  );
  assert.equal(byName.test_conflict?.error?.code, 'eval_conflict_error');
  assert.match(
    byName.test_conflict?.error?.message ?? '',
    /functions must not produce multiple outputs for same inputs/,
  );

  const text = formatTestRun(run, false);
  assert.match(text, /data\.palisade\.authz\.test_bob_denied: FAIL \(1\.0ms\)/);
  assert.doesNotMatch(text, /test_public_get/);
  assert.match(text, /PASS: 3\/6\nFAIL: 1\/6\nERROR: 1\/6\nSKIPPED: 1\/6$/);
  assert.match(formatTestRun(run, true), /test_public_get: PASS/);
  const json = testRunJson(run) as { name: string; status: string; fail?: boolean }[];
  assert.deepEqual(
    json.find((r) => r.name === 'test_bob_denied'),
    { ...json.find((r) => r.name === 'test_bob_denied'), status: 'fail', fail: true },
  );
});

test('--run filters by RE2 expression; an invalid one is a usage error', async (t) => {
  const dir = await tempDir(t);
  await writeAuthzPolicy(dir);
  const loaded = loadPolicyPaths([dir]);
  const run = runPolicyTests(loaded, { run: 'admin' });
  assert.deepEqual(
    run.results.map((r) => r.name),
    ['data.palisade.authz.test_admin', 'data.palisade.authz.test_admin_mocked'],
  );
  assert.throws(() => runPolicyTests(loaded, { run: '(' }), {
    code: 'ERR_USAGE',
    message: /^--run: invalid regular expression "\("/,
  });
});

test('coverage reports covered and uncovered lines per file', async (t) => {
  const dir = await tempDir(t);
  await writeAuthzPolicy(dir);
  const run = runPolicyTests(loadPolicyPaths([dir]), { coverage: true, run: 'public_get' });
  const cov = run.coverage;
  assert.ok(cov);
  const authz = Object.entries(cov.files).find(([f]) => f.endsWith('authz.rego'))?.[1];
  assert.ok(authz);
  assert.ok(authz.covered_lines > 0 && authz.not_covered_lines > 0, JSON.stringify(authz));
  assert.ok(cov.coverage > 0 && cov.coverage < 100);
  assert.match(formatTestRun(run, false), /coverage: [\d.]+% \(\d+ of \d+ lines\)/);
});

test('a policy that does not compile reports every error and runs nothing', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'bad.rego'), 'package bad\n\ntest_x if {\n\tx := \n}\n');
  const run = runPolicyTests(loadPolicyPaths([dir]));
  assert.ok(run.compileErrors && run.compileErrors.length > 0);
  assert.deepEqual(run.results, []);
  assert.match(formatTestRun(run, false), /^\d+ errors? occurred:\n.*bad\.rego:\d+:\d+: rego_parse_error: /);
});
