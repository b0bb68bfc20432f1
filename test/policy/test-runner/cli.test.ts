/**
 * `palisade policy eval` and `palisade policy test` as users run them: output, exit codes. Few process
 * runs on purpose (each starts the whole CLI); the engines have their own in-process tests.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { writeAuthzPolicy } from './fixtures.js';

// Generous: the shared machine can be very busy; this bounds a hung child, it asserts nothing on time.
const timeoutMs = 600_000;

test('policy eval prints OPA result JSON (exact numbers, bindings) and --explain', async (t) => {
  const dir = await tempDir(t);
  await writeAuthzPolicy(dir);
  const input = join(dir, 'input.json');
  await writeFile(input, '{"method": "POST", "path": ["x"], "user": "bob"}');
  const query = 'not data.palisade.authz.allow; x := data.palisade.authz.big';
  const r = await runCli(['policy', 'eval', '-d', dir, '-i', input, '--explain', query], { timeoutMs });
  assert.equal(r.code, 0, r.stderr);
  const [json, explanation] = r.stdout.split('\nExplanation:\n');
  assert.match(json ?? '', /"x": 123456789012345678901234567890/);
  const doc = JSON.parse(json ?? '') as { result: { expressions: { text: string; value: unknown }[] }[] };
  assert.deepEqual(
    doc.result[0]?.expressions.map((e) => [e.text, e.value]),
    [
      ['not data.palisade.authz.allow', true],
      ['x := data.palisade.authz.big', true],
    ],
  );
  assert.match(explanation ?? '', /data\.palisade\.authz\.allow => false/);
  assert.match(explanation ?? '', /input\.method == "GET" {3}\[equal\("POST", "GET"\) is false\]/);
});

test('policy eval: a policy that does not compile exits 1 with positions', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'bad.rego'), 'package bad\n\np := \n');
  const r = await runCli(['policy', 'eval', '-d', dir, 'data.bad.p'], { timeoutMs });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /bad\.rego:\d+:\d+: rego_parse_error: /);
});

test('policy test exits 1 on failure and prints the failing test with its explanation', async (t) => {
  const dir = await tempDir(t);
  await writeAuthzPolicy(dir);
  const r = await runCli(['policy', 'test', dir], { timeoutMs });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /data\.palisade\.authz\.test_bob_denied: FAIL/);
  assert.match(r.stdout, /data\.palisade\.authz\.allow => false/);
  assert.match(r.stdout, /PASS: 3\/6\nFAIL: 1\/6\nERROR: 1\/6\nSKIPPED: 1\/6/);
});
