import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { caPaths } from '../../citadel/state/ca-store.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { TestCA } from '../helpers/test-ca.js';
import { tempDir } from '../helpers/tmp.js';

const ID = 'spiffe://example.org/ns/shop/sa/cart';

describe('palisade ca / cert / token (real processes)', () => {
  test('init, status, issue, inspect, rotate; exit codes 0/1/2 and --json', async (t) => {
    const state = await tempDir(t);
    const cli = (...args: string[]) => runCli(['--state-dir', state, ...args]);

    const init = await cli('--json', 'ca', 'init', '--trust-domain', 'example.org');
    assert.equal(init.code, 0, init.stderr);
    const initJson = JSON.parse(init.stdout);
    assert.equal(initJson.trust_domain, 'example.org');
    assert.equal(initJson.bundle_sequence, 1);

    const again = await cli('ca', 'init', '--trust-domain', 'example.org');
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /^palisade: error \[ERR_CITADEL_STATE_EXISTS\]: a CA already exists in .* refusing to overwrite it\n$/,
    );

    // One status run covers --json and --check: exit 1 with the warning when inside the margin.
    const check = await cli('--json', 'ca', 'status', '--check', '--margin', '400d');
    assert.equal(check.code, 1, check.stderr);
    const s = JSON.parse(check.stdout);
    assert.equal(s.roots.length, 1);
    assert.equal(s.roots[0].status, 'active');
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /^intermediate .* inside the margin/);

    const badId = await cli(
      'cert',
      'issue',
      '--spiffe-id',
      'spiffe://example.org/a/../b',
      '--out',
      join(state, 'x'),
    );
    assert.equal(badId.code, 2);
    assert.match(badId.stderr, /"\." or "\.\." segments/);
    const foreign = await cli(
      'cert',
      'issue',
      '--spiffe-id',
      'spiffe://other.org/ns/a/sa/b',
      '--out',
      join(state, 'x'),
    );
    assert.equal(foreign.code, 1);
    assert.match(
      foreign.stderr,
      /\[ERR_CITADEL_CSR_INVALID\]: CSR rejected: spiffe:\/\/other\.org\/ns\/a\/sa\/b is outside trust domain "example\.org"/,
    );

    const svid = join(state, 'svid');
    const issued = await cli('--json', 'cert', 'issue', '--spiffe-id', ID, '--out', svid, '--ttl', '2h');
    assert.equal(issued.code, 0, issued.stderr);
    assert.equal(JSON.parse(issued.stdout).spiffe_id, ID);

    const inspect = await cli('--json', 'cert', 'inspect', join(svid, 'cert.pem'));
    assert.equal(inspect.code, 0, inspect.stderr);
    const info = JSON.parse(inspect.stdout);
    assert.equal(info.spiffe_id, ID);
    assert.equal(info.key_type, 'ec-p256');
    assert.equal(info.verification.ok, true);
    assert.equal(info.chain_length, 2);

    const otherRoot = await TestCA.create({ trustDomain: 'example.org' });
    const otherBundle = join(state, 'other-bundle.pem');
    await writeFile(otherBundle, otherRoot.cert.toPem());
    const mismatch = await cli('cert', 'inspect', join(svid, 'cert.pem'), '--bundle', otherBundle);
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stdout, /verifies +NO: X509-SVID rejected: .*unknown CA/);

    const forced = await cli('--json', 'cert', 'rotate', '--dir', svid, '--force');
    assert.equal(JSON.parse(forced.stdout).rotated, true);

    const token = await cli('token', 'create', '--spiffe-id', ID, '--ttl', '5m');
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  test('rotate-root, retire-root refusal and --force; corrupt state names the file', async (t) => {
    const state = await tempDir(t);
    const cli = (...args: string[]) => runCli(['--state-dir', state, ...args]);
    assert.equal((await cli('ca', 'init', '--trust-domain', 'example.org')).code, 0);
    assert.equal((await cli('cert', 'issue', '--spiffe-id', ID, '--out', join(state, 'svid'))).code, 0);
    const rot = await cli('--json', 'ca', 'rotate-root', '--overlap', '1h');
    assert.equal(rot.code, 0, rot.stderr);
    assert.equal(JSON.parse(rot.stdout).bundle_sequence, 2);
    const refused = await cli('ca', 'retire-root');
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /\[ERR_CITADEL_ROOT_IN_USE\]: refusing to retire root .*1 live SVID\(s\) still chain to it/,
    );
    const forced = await cli('--json', 'ca', 'retire-root', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(JSON.parse(forced.stdout).bundle_sequence, 3);

    await writeFile(caPaths(state).bundlePem, 'garbage');
    const broken = await cli('--json', 'ca', 'status');
    assert.equal(broken.code, 1);
    const err = JSON.parse(broken.stdout).error;
    assert.equal(err.code, 'ERR_CITADEL_STATE_CORRUPT');
    assert.ok(err.message.startsWith(`${caPaths(state).bundlePem}: `), err.message);
  });

  test('citadel serve + cert rotate --citadel: join token first, then renewal with the SVID', async (t) => {
    const state = await tempDir(t);
    assert.equal(
      (await runCli(['--state-dir', state, 'ca', 'init', '--trust-domain', 'example.org'])).code,
      0,
    );
    const fromSource = CLI_PATH.endsWith('.ts');
    const child = spawn(
      process.execPath,
      [
        ...(fromSource ? ['--import', 'tsx'] : []),
        CLI_PATH,
        '--state-dir',
        state,
        '--json',
        'citadel',
        'serve',
        '--listen',
        '127.0.0.1:0',
      ],
      {
        env: { ...process.env, PALISADE_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        out += d;
        try {
          resolve(JSON.parse(out).address);
        } catch {
          // wait for the whole document
        }
      });
      child.on('exit', () => reject(new Error(`citadel serve exited early: ${out}`)));
    });
    const token = (await runCli(['--state-dir', state, 'token', 'create', '--spiffe-id', ID])).stdout.trim();
    const dir = join(state, 'svid');
    const bundle = caPaths(state).bundlePem;
    const first = await runCli([
      '--json',
      'cert',
      'rotate',
      '--dir',
      dir,
      '--citadel',
      address,
      '--token',
      token,
      '--bundle',
      bundle,
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).reason, 'first issuance');
    const renewed = await runCli(['--json', 'cert', 'rotate', '--dir', dir, '--citadel', address, '--force']);
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.equal(JSON.parse(renewed.stdout).rotated, true);
    const replay = await runCli([
      'cert',
      'rotate',
      '--dir',
      join(state, 'svid2'),
      '--citadel',
      address,
      '--token',
      token,
      '--bundle',
      bundle,
    ]);
    assert.equal(replay.code, 1);
    assert.match(
      replay.stderr,
      /\[ERR_CITADEL_RPC\]: citadel at .*: UNAUTHENTICATED: join token rejected|already used/,
    );
    const journal = await readFile(caPaths(state).journal, 'utf8');
    assert.equal(
      journal
        .trim()
        .split('\n')
        .filter((l) => l.includes(ID)).length,
      2,
    );
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
