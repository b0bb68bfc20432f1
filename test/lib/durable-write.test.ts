import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  appendFileDurable,
  ensureDirDurable,
  FileMode,
  isDurableTempFile,
  writeFileDurable,
} from '../../lib/durable-write.js';
import { PACKAGE_ROOT } from '../../lib/package-info.js';
import { tempDir } from '../helpers/tmp.js';

const moduleUrl = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'lib', 'durable-write.js')).href;

describe('writeFileDurable', () => {
  test('writes the content with an exact mode, regardless of umask', async (t) => {
    const dir = await tempDir(t);
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const old = process.umask(0o000);
    try {
      await writeFileDurable(key, 'secret', { mode: FileMode.secret });
      await writeFileDurable(cert, 'public', { mode: FileMode.public });
    } finally {
      process.umask(old);
    }
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    assert.equal((await stat(cert)).mode & 0o777, 0o644);
    assert.equal(await readFile(key, 'utf8'), 'secret');
  });

  test('replaces an existing file and leaves no temporary file behind', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'bundle.pem');
    await writeFileDurable(file, 'one', { mode: FileMode.public });
    await writeFileDurable(file, 'two', { mode: FileMode.public });
    assert.equal(await readFile(file, 'utf8'), 'two');
    assert.deepEqual(await readdir(dir), ['bundle.pem']);
  });

  test('creates missing parent directories with mode 0700', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'ca', 'root', 'key.pem');
    await writeFileDurable(file, 'k', { mode: FileMode.secret });
    assert.equal((await stat(join(dir, 'ca'))).mode & 0o777, 0o700);
  });

  test('a process killed between write and rename leaves the old file intact', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'state.json');
    await writeFile(file, 'old');
    const script = `
      import { writeFileDurable } from '${moduleUrl}';
      await writeFileDurable(process.argv[1], 'new', {
        mode: 0o644,
        beforeRename: () => { process.kill(process.pid, 'SIGKILL'); return new Promise(() => {}); },
      });
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], {
      encoding: 'utf8',
    });
    assert.equal(run.signal, 'SIGKILL', run.stderr);
    assert.equal(await readFile(file, 'utf8'), 'old');
    const leftovers = (await readdir(dir)).filter(isDurableTempFile);
    assert.equal(leftovers.length, 1, 'the killed write leaves its temporary file, recognisable as such');
    assert.equal(await readFile(join(dir, leftovers[0] as string), 'utf8'), 'new');
  });

  test('a failing write removes its temporary file and keeps the old content', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'state.json');
    await writeFile(file, 'old');
    await assert.rejects(
      writeFileDurable(file, 'new', {
        mode: FileMode.public,
        beforeRename: () => {
          throw new Error('disk gone');
        },
      }),
      /disk gone/,
    );
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['state.json']);
  });
});

describe('appendFileDurable', () => {
  test('appends whole lines with the given mode', async (t) => {
    const dir = await tempDir(t);
    const journal = join(dir, 'journal.jsonl');
    await appendFileDurable(journal, '{"a":1}\n', FileMode.public);
    await appendFileDurable(journal, '{"a":2}\n', FileMode.public);
    assert.equal(await readFile(journal, 'utf8'), '{"a":1}\n{"a":2}\n');
    assert.equal((await stat(journal)).mode & 0o777, 0o644);
  });
});

describe('ensureDirDurable', () => {
  test('creates nested directories with the given mode', async (t) => {
    const dir = await tempDir(t);
    await ensureDirDurable(join(dir, 'a', 'b'));
    assert.equal((await stat(join(dir, 'a', 'b'))).mode & 0o777, 0o700);
  });
});
