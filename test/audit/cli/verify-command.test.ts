import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { logFiles, logFixture, readFileLines, writeFileLines, writeLog } from '../log-fixture.js';

describe('palisade audit verify', () => {
  test('a parent holding an intact log and an edited one: OK for one, FAIL naming file, line and seq; exit 1', async (t) => {
    const root = await tempDir(t);
    const good = await logFixture(t);
    const bad = await logFixture(t);
    await writeLog(good, 12);
    await writeLog(bad, 12);
    const file = (await logFiles(bad.dir))[0] as string;
    const lines = await readFileLines(join(bad.dir, file));
    lines[4] = (lines[4] as string).replace('"status":200', '"status":201');
    await writeFileLines(join(bad.dir, file), lines);
    await rename(good.dir, join(root, 'a-web'));
    await rename(bad.dir, join(root, 'b-api'));
    const r = await runCli(['audit', 'verify', '--dir', root]);
    assert.equal(r.code, 1, r.stderr);
    const [ok, fail] = r.stdout.split('\n');
    assert.match(
      ok as string,
      /^OK {3}\S+a-web: 1 files, 14 records \(12 decisions\), 1 checkpoints; signed through seq 14; closed cleanly$/,
    );
    assert.equal(
      fail,
      `FAIL ${join(root, 'b-api')}: edited at ${file} line 5, seq 5: ${file}:5: record seq 5 was modified (its hash does not match its content and chain)`,
    );
  });

  test('--json, and --key with another writer key: unknown_key', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 3);
    const other = await logFixture(t);
    await writeLog(other, 1);
    const r = await runCli([
      '--json',
      'audit',
      'verify',
      '--dir',
      fx.dir,
      '--key',
      join(other.dir, 'audit-keys.jwks.json'),
    ]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, false);
    assert.equal(doc.logs[0].problem.kind, 'unknown_key');
    assert.match(doc.logs[0].problem.message, /which is not trusted/);
    const good = await runCli(['--json', 'audit', 'verify', '--dir', fx.dir]);
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual([JSON.parse(good.stdout).ok, JSON.parse(good.stdout).logs[0].decisions], [true, 3]);
  });
});
