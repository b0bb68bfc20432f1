import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { initCa, retireRoot, rotateIntermediate, rotateRoot } from '../../../citadel/rotation.js';
import { acquireCaLock, caLockPath } from '../../../citadel/state/ca-lock.js';
import { caPaths } from '../../../citadel/state/ca-store.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

type CodedError = Error & { code?: string };

/** The pid of a process that has exited (so a lock naming it is stale). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

/** A process that stays alive until killed, standing in for another operator's command. */
function liveProcess(t: { after: (fn: () => void) => void }): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  t.after(() => child.kill());
  return child.pid as number;
}

async function writeLock(stateDir: string, holder: object): Promise<void> {
  await writeFile(caLockPath(stateDir), `${JSON.stringify(holder)}\n`);
}

describe('CA state lock', () => {
  test('a second taker is refused with the holder named; after release it can take the lock', async (t) => {
    const dir = await tempDir(t);
    const lock = await acquireCaLock(dir, 'ca rotate-root');
    await assert.rejects(acquireCaLock(dir, 'ca retire-root'), (err: CodedError) => {
      assert.equal(err.code, 'ERR_CITADEL_STATE_LOCKED');
      assert.match(
        err.message,
        new RegExp(
          `ca\\.lock: the CA is locked by pid ${process.pid} on .* \\(ca rotate-root\\) since \\d{4}-`,
        ),
      );
      return true;
    });
    await lock.release();
    const again = await acquireCaLock(dir, 'ca retire-root');
    await again.release();
    assert.deepEqual(await readdir(dir), []);
  });

  test('a lock left by a process that has exited is taken over', async (t) => {
    const dir = await tempDir(t);
    await writeLock(dir, { pid: await deadPid(), host: hostname(), command: 'ca rotate-root', since: 'x' });
    const lock = await acquireCaLock(dir, 'ca retire-root');
    const holder = JSON.parse(await readFile(caLockPath(dir), 'utf8'));
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.command, 'ca retire-root');
    await lock.release();
    assert.deepEqual(await readdir(dir), []);
  });

  test('an unreadable (torn) lock file is stale; a lock from another host is never broken', async (t) => {
    const dir = await tempDir(t);
    await writeFile(caLockPath(dir), '{"pid": 12');
    await (await acquireCaLock(dir, 'ca init')).release();
    await writeLock(dir, { pid: 1, host: `${hostname()}-elsewhere`, command: 'ca rotate-root', since: 'x' });
    await assert.rejects(
      acquireCaLock(dir, 'ca init'),
      (err: CodedError) =>
        err.code === 'ERR_CITADEL_STATE_LOCKED' && /-elsewhere \(ca rotate-root\)/.test(err.message),
    );
  });

  test('rotations and retirement refuse while another live process holds the lock; state untouched', async (t) => {
    const stateDir = await tempDir(t);
    await initCa({ stateDir, trustDomain: 'example.org' });
    const manifest = await readFile(caPaths(stateDir).manifest, 'utf8');
    const pid = liveProcess(t);
    await writeLock(stateDir, { pid, host: hostname(), command: 'ca rotate-root', since: 'now' });
    for (const run of [
      () => rotateIntermediate({ stateDir }),
      () => rotateRoot({ stateDir }),
      () => retireRoot({ stateDir }),
      () => initCa({ stateDir, trustDomain: 'example.org' }),
    ]) {
      await assert.rejects(run(), (err: CodedError) => {
        assert.equal(err.code, 'ERR_CITADEL_STATE_LOCKED');
        assert.match(err.message, new RegExp(`locked by pid ${pid} `));
        return true;
      });
    }
    assert.equal(await readFile(caPaths(stateDir).manifest, 'utf8'), manifest);
  });

  test('CLI: a mutating command exits 1 naming the holder; a read-only one still runs', async (t) => {
    const state = await tempDir(t);
    const cli = (...args: string[]) => runCli(['--state-dir', state, ...args]);
    assert.equal((await cli('ca', 'init', '--trust-domain', 'example.org')).code, 0);
    const pid = liveProcess(t);
    await writeLock(state, { pid, host: hostname(), command: 'ca rotate-root', since: 'now' });
    const issue = await cli(
      'cert',
      'issue',
      '--spiffe-id',
      'spiffe://example.org/ns/a/sa/b',
      '--out',
      join(state, 'svid'),
    );
    assert.equal(issue.code, 1);
    assert.match(
      issue.stderr,
      new RegExp(
        `^palisade: error \\[ERR_CITADEL_STATE_LOCKED\\]: .*ca\\.lock: the CA is locked by pid ${pid} `,
      ),
    );
    const rotate = await cli('ca', 'rotate-intermediate');
    assert.equal(rotate.code, 1);
    assert.match(rotate.stderr, /ERR_CITADEL_STATE_LOCKED/);
    assert.equal((await cli('ca', 'status')).code, 0);
  });
});
