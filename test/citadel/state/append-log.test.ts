import assert from 'node:assert/strict';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AppendLog } from '../../../citadel/state/append-log.js';
import { tempDir } from '../../helpers/tmp.js';

const lines = async (path: string): Promise<unknown[]> =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('AppendLog', () => {
  test('many concurrent appends: each resolves with its line on disk, whole lines, mode 0644', async (t) => {
    const path = join(await tempDir(t), 'journal.jsonl');
    const log = new AppendLog(path);
    // More than one group (32) in one turn, then more while those writes are in flight.
    const first = Array.from({ length: 70 }, (_, i) => log.append({ i }));
    await first[0];
    const second = Array.from({ length: 10 }, (_, i) => log.append({ i: 70 + i }));
    await Promise.all([...first, ...second]);
    const got = (await lines(path)) as { i: number }[];
    assert.deepEqual(
      got.map((r) => r.i).sort((a, b) => a - b),
      Array.from({ length: 80 }, (_, i) => i),
    );
    assert.equal((await stat(path)).mode & 0o777, 0o644);
    assert.deepEqual(
      (await log.readLines()).map((l) => l.line),
      Array.from({ length: 80 }, (_, i) => i + 1),
    );
  });

  test('a file replaced by another writer (atomic rewrite) receives later appends', async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'used-tokens.jsonl');
    const log = new AppendLog(path);
    await log.append({ n: 1 });
    // What a compaction in another process does: write a new file and rename it over the old one.
    await writeFile(join(dir, 'next'), `${JSON.stringify({ n: 0 })}\n`);
    await rename(join(dir, 'next'), path);
    await log.append({ n: 2 });
    assert.deepEqual(await lines(path), [{ n: 0 }, { n: 2 }]);
  });

  test('rewrite: appends in flight before and queued during it all survive, in the new file', async (t) => {
    const path = join(await tempDir(t), 'journal.jsonl');
    const log = new AppendLog(path);
    await Promise.all(Array.from({ length: 40 }, (_, i) => log.append({ i, old: i % 2 === 0 })));
    // 40: the first 32 form a group whose write is in flight when the rewrite starts.
    const before = Array.from({ length: 40 }, (_, i) => log.append({ i: 100 + i }));
    const rewrite = log.rewrite((lines) =>
      lines
        .filter(({ text }) => !text.includes('"old":true'))
        .map(({ text }) => `${text}\n`)
        .join(''),
    );
    const during = Array.from({ length: 20 }, (_, i) => log.append({ i: 200 + i }));
    await Promise.all([...before, rewrite, ...during]);
    const got = ((await lines(path)) as { i: number }[]).map((r) => r.i).sort((a, b) => a - b);
    const odd = Array.from({ length: 20 }, (_, i) => 2 * i + 1);
    const added = [
      ...Array.from({ length: 40 }, (_, i) => 100 + i),
      ...Array.from({ length: 20 }, (_, i) => 200 + i),
    ];
    assert.deepEqual(got, [...odd, ...added]);
  });

  test('a deleted file is created again with its mode', async (t) => {
    const path = join(await tempDir(t), 'journal.jsonl');
    const log = new AppendLog(path);
    await log.append({ n: 1 });
    await unlink(path);
    await log.append({ n: 2 });
    assert.deepEqual(await lines(path), [{ n: 2 }]);
    assert.equal((await stat(path)).mode & 0o777, 0o644);
  });

  test('an append that cannot be written rejects, and the log recovers', async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'missing-dir', 'journal.jsonl');
    await writeFile(join(dir, 'missing-dir'), 'a file where the directory should be');
    const log = new AppendLog(path);
    await assert.rejects(log.append({ n: 1 }), (err: NodeJS.ErrnoException) => err.code === 'EEXIST');
    await unlink(join(dir, 'missing-dir'));
    await log.append({ n: 2 });
    assert.deepEqual(await lines(path), [{ n: 2 }]);
  });
});
