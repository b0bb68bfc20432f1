/**
 * Loading conformance YAML: exact numbers, every field, errors naming the file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listCaseFiles, loadCaseFile } from '../../../policy/conformance/suite.js';
import { toRegoString } from '../../../policy/value/index.js';
import { tempDir } from '../../helpers/tmp.js';

test('cases load with exact numbers and all fields', async (t) => {
  const root = await tempDir(t);
  mkdirSync(join(root, 'nums'));
  writeFileSync(
    join(root, 'nums', 'a.yaml'),
    `cases:
- note: nums/big
  query: data.test.p = x
  modules: ["package test\\np := 1"]
  data: {n: 123456789012345678901234567890, f: 0.10000000000000000001}
  input_term: '{1, 2}'
  want_result: [{x: 12345678901234567890}]
  sort_bindings: true
  strict_error: true
- note: nums/error
  query: data.test.p = x
  want_error_code: eval_type_error
  want_error: boom
`,
  );
  writeFileSync(join(root, 'nums', 'b.yml'), 'cases: []\n');
  assert.deepEqual(listCaseFiles(root), ['nums/a.yaml', 'nums/b.yml']);
  const [big, error] = loadCaseFile(root, 'nums/a.yaml');
  assert.ok(big && error);
  assert.equal(big.dir, 'nums');
  assert.equal(
    toRegoString(big.data ?? null),
    '{"f": 0.10000000000000000001, "n": 123456789012345678901234567890}',
  );
  assert.equal(toRegoString([...(big.wantResult ?? [])]), '[{"x": 12345678901234567890}]');
  assert.equal(big.inputTerm, '{1, 2}');
  assert.deepEqual([big.sortBindings, big.strictError, big.modules.length], [true, true, 1]);
  assert.equal(error.wantResult, undefined);
  assert.deepEqual([error.wantErrorCode, error.wantError, error.index], ['eval_type_error', 'boom', 1]);
});

test('malformed files are reported with their name', async (t) => {
  const root = await tempDir(t);
  writeFileSync(join(root, 'bad.yaml'), 'cases: [\n');
  assert.throws(() => loadCaseFile(root, 'bad.yaml'), /^Error: bad\.yaml: /);
});
