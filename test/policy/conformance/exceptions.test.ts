/**
 * The exceptions file: validated with zod, every entry needs a reason; matching by note, directory
 * prefix, mode and target. The project's own file must load.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXCEPTIONS_PATH, findException, loadExceptions } from '../../../policy/conformance/exceptions.js';
import { tempDir } from '../../helpers/tmp.js';

test("the project's exceptions file loads and every entry has a reason", () => {
  for (const e of loadExceptions(EXCEPTIONS_PATH)) assert.ok(e.reason.length >= 10, e.note);
});

test('invalid files are rejected naming the field', async (t) => {
  const dir = await tempDir(t);
  const cases: { note: string; text: string; message: RegExp }[] = [
    { note: 'missing reason', text: 'exceptions:\n  - note: a/b\n', message: /exceptions\[0\]\.reason/ },
    {
      note: 'unknown field',
      text: 'exceptions:\n  - note: a/b\n    reason: because it is so\n    why: x\n',
      message: /why/,
    },
    {
      note: 'bad mode',
      text: 'exceptions:\n  - note: a/b\n    reason: because it is so\n    modes: [x]\n',
      message: /modes/,
    },
  ];
  for (const [i, c] of cases.entries()) {
    const path = join(dir, `e${i}.yaml`);
    await writeFile(path, c.text);
    assert.throws(
      () => loadExceptions(path),
      { code: 'ERR_POLICY_CONFORMANCE', exitCode: 2, message: c.message },
      c.note,
    );
  }
  assert.throws(() => loadExceptions(join(dir, 'missing.yaml')), {
    code: 'ERR_POLICY_CONFORMANCE',
    message: /^cannot read exceptions file /,
  });
});

test('matching by note, directory prefix, mode and target', () => {
  const list = [
    { note: 'dir/exact', reason: 'a reason long enough' },
    { note: 'other/', reason: 'whole directory here', modes: ['frontend' as const] },
    { note: 'w/x', reason: 'wasm target only here', targets: ['wasm' as const] },
  ];
  assert.equal(findException(list, 'dir/exact', 'plans', 'ir')?.note, 'dir/exact');
  assert.equal(findException(list, 'dir/exact2', 'plans', 'ir'), undefined);
  assert.equal(findException(list, 'other/any', 'frontend', 'ir')?.note, 'other/');
  assert.equal(findException(list, 'other/any', 'plans', 'ir'), undefined);
  assert.equal(findException(list, 'w/x', 'plans', 'ir'), undefined);
  assert.equal(findException(list, 'w/x', 'plans', 'wasm')?.note, 'w/x');
});
