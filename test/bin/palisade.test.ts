import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PACKAGE_VERSION } from '../../lib/package-info.js';
import { runCli } from '../helpers/cli.js';

describe('palisade CLI conventions', () => {
  test('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), PACKAGE_VERSION);
  });

  test('--help explains exit codes and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: palisade/);
    assert.match(r.stdout, /Exit codes: 0 success, 1 .*, 2 usage/);
  });

  test('an unknown option or command is a usage error: exit 2 with one clear line', async () => {
    const r = await runCli(['--no-such-flag']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--no-such-flag'/);
    const c = await runCli(['no-such-command']);
    assert.equal(c.code, 2);
  });

  test('help lists every group, whichever group a command line names', async () => {
    const all = await runCli(['--help']);
    for (const group of ['ca', 'cert', 'token', 'citadel', 'policy', 'sidecar', 'up', 'audit'])
      assert.match(all.stdout, new RegExp(`\\n  ${group} `), `--help lists ${group}`);
    // Groups load on demand: the named group answers, even after a global option that takes a value.
    const sidecar = await runCli(['--state-dir', 'no-such-command', 'sidecar', '--help']);
    assert.equal(sidecar.code, 0);
    assert.match(sidecar.stdout, /Usage: palisade sidecar/);
    assert.match(sidecar.stdout, /run \[options\]/);
    const help = await runCli(['help', 'policy']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: palisade policy/);
  });
});
