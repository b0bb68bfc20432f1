/**
 * @module `palisade sidecar run` shutting down as it does under a terminal or a supervisor: SIGINT and a
 * SIGTERM right behind it. The process must exit 0 only after sealing its audit log (closing checkpoint),
 * which `palisade audit verify` then reports as closed cleanly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { freePort, httpGet, startH1Echo } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { makePki, ORDERS, type Pki } from './fixtures/mesh.js';
import { writeSvidDir } from './fixtures/pki.js';

const NODE_ARGS = import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : [];

let pki: Pki;
before(async () => {
  pki = await makePki();
});

test('SIGINT then SIGTERM: exit 0 with the audit log sealed', { timeout: 120_000 }, async (t) => {
  const dir = await tempDir(t, 'palisade-shutdown-');
  const app = await startH1Echo(t);
  await writeSvidDir(join(dir, 'svid'), pki.orders);
  const [inbound, admin] = [await freePort(), await freePort()];
  await writeFile(
    join(dir, 'sidecar.yaml'),
    [
      `identity: { spiffe_id: "${ORDERS}", dir: svid }`,
      `inbound: [{ port: ${inbound}, protocol: http, app: "127.0.0.1:${app.port}" }]`,
      'audit: { directory: audit }',
      `admin: { port: ${admin} }`,
    ].join('\n'),
  );
  // Relative paths in the config (svid, audit) resolve against the config file's directory.
  const args = [...NODE_ARGS, CLI_PATH, 'sidecar', 'run', '--config', join(dir, 'sidecar.yaml')];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PALISADE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The "running" line is printed once the sidecar is up and listening for signals.
  let out = '';
  const running = new Promise<void>((resolve) =>
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes(' running ')) resolve();
    }),
  );
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal as unknown as number))),
  );
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await running;
  assert.equal((await httpGet(admin, '/healthz')).status, 200);
  // An open connection makes the listener wait for it (up to 500 ms) while closing, so the SIGTERM lands
  // in the middle of the shutdown, as a supervisor's does after a terminal's SIGINT.
  const peer = connect(inbound, '127.0.0.1');
  peer.on('error', () => undefined);
  await new Promise((r) => peer.once('connect', r));
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, err);
  const verify = await runCli(['audit', 'verify', '--dir', join(dir, 'audit')]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /closed cleanly/);
});
