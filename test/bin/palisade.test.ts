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
});
