import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { CLI_PATH, runCli } from '../../helpers/cli.js';
import { authzEvent, logFixture, writeLog } from '../log-fixture.js';

describe('palisade audit tail', () => {
  test('--no-follow prints the last N decision records as JSON lines when piped', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 6);
    const r = await runCli(['audit', 'tail', '--dir', fx.dir, '-n', '2', '--no-follow']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.request_id),
      ['req-4', 'req-5'],
    );
  });

  test('follows records appended by a live writer, then stops on SIGTERM', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open();
    log.record(authzEvent({ request_id: 'before' }));
    await log.flush();
    const args = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', CLI_PATH] : [CLI_PATH];
    const child = spawn(process.execPath, [...args, 'audit', 'tail', '--dir', fx.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    // One listener for the child's whole life: output that arrives while the test is busy writing (between
    // two waits) must not be lost, or the wait for it never ends.
    let out = '';
    let err = '';
    let exited = false;
    const wake: (() => void)[] = [];
    const notify = () => {
      for (const resolve of wake.splice(0)) resolve();
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      notify();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('close', () => {
      exited = true;
      notify();
    });
    const seen = async (id: string): Promise<void> => {
      while (!out.includes(`"request_id":"${id}"`)) {
        if (exited) throw new Error(`audit tail exited before printing ${id}: ${err}`);
        await new Promise<void>((resolve) => wake.push(resolve));
      }
    };
    await seen('before');
    log.record(authzEvent({ request_id: 'after' }));
    await log.flush();
    await seen('after');
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
  });
});
