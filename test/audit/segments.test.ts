import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { findLogDirs, listSegments, segmentName } from '../../audit/segments.js';
import { tempDir } from '../helpers/tmp.js';

describe('segments', () => {
  test('names sort by index and carry the UTC start time', () => {
    assert.equal(segmentName(7, Date.parse('2026-11-24T10:11:12.345Z')), 'audit-000007-20261124T101112Z');
  });

  test('lists files oldest first, prefers .gz over a leftover plain copy, ignores other files', async (t) => {
    const dir = await tempDir(t);
    for (const f of [
      'audit-000010-20261124T100000Z.jsonl',
      'audit-000002-20261124T090000Z.jsonl.gz',
      'audit-000002-20261124T090000Z.jsonl',
      'audit-000001-20261124T080000Z.jsonl.gz',
      'notes.txt',
      'audit-keys.jwks.json',
    ]) {
      await writeFile(join(dir, f), 'x');
    }
    const list = await listSegments(dir);
    assert.deepEqual(
      list.map((s) => [s.index, s.gzip]),
      [
        [1, true],
        [2, true],
        [10, false],
      ],
    );
    assert.equal(list[0]?.startedAt, Date.parse('2026-11-24T08:00:00Z'));
  });

  test('findLogDirs: the directory itself, or its subdirectories holding logs', async (t) => {
    const root = await tempDir(t);
    for (const name of ['web', 'api', 'empty']) await mkdir(join(root, name));
    await writeFile(join(root, 'web', 'audit-000001-20261124T080000Z.jsonl'), 'x');
    await writeFile(join(root, 'api', 'audit-000001-20261124T080000Z.jsonl'), 'x');
    assert.deepEqual(await findLogDirs(root), [join(root, 'api'), join(root, 'web')]);
    assert.deepEqual(await findLogDirs(join(root, 'web')), [join(root, 'web')]);
    await assert.rejects(findLogDirs(join(root, 'empty')), {
      code: 'ERR_AUDIT_NO_LOG',
      message: `${join(root, 'empty')}: no audit log files here or in its subdirectories`,
    });
    await assert.rejects(findLogDirs(join(root, 'nope')), {
      code: 'ERR_AUDIT_NO_LOG',
      message: /cannot read audit log directory/,
    });
  });
});
