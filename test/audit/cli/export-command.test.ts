import assert from 'node:assert/strict';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { logFixture, writeLog } from '../log-fixture.js';

describe('palisade audit export', () => {
  test('csv to a file, filtered, with a JSON summary on stdout', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 30);
    const out = join(fx.stateDir, 'denials.csv');
    const r = await runCli([
      '--json',
      'audit',
      'export',
      '--dir',
      fx.dir,
      '--format',
      'csv',
      '--decision',
      'deny',
      '--since',
      '2026-11-24',
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual([summary.exported, summary.scanned, summary.format, summary.out], [10, 30, 'csv', out]);
    const rows = (await readFile(out, 'utf8')).trim().split('\r\n');
    assert.equal(rows.length, 11);
    assert.ok(rows.slice(1).every((row) => row.split(',')[3] === 'deny'));
    assert.deepEqual(
      (await readdir(fx.stateDir)).filter((f) => f.endsWith('.partial')),
      [],
      'no partial file left',
    );
  });

  test('jsonl to stdout (piped: no progress bar), summary on stderr', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 4);
    const r = await runCli(['audit', 'export', '--dir', fx.dir, '--kind', 'authz']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 4);
    assert.equal(r.stderr.includes('\r'), false, 'no progress bar when not on a terminal');
    assert.match(r.stderr, /exported 4 of 4 records from 1 log\(s\), 1 file\(s\)/);
  });

  const bad = [
    {
      note: 'a date in the wrong format',
      args: ['--since', '24/11/2026'],
      code: 2,
      err: /option '--since <time>' argument '24\/11\/2026' is invalid\. invalid time "24\/11\/2026": expected RFC 3339/,
    },
    {
      note: '--since after --until',
      args: ['--since', '2026-11-25', '--until', '2026-11-24'],
      code: 2,
      err: /\[ERR_AUDIT_OPTION\]: --since must be before --until/,
    },
    {
      note: 'an unknown format',
      args: ['--format', 'xml'],
      code: 2,
      err: /argument 'xml' is invalid\. Allowed choices are jsonl, csv, ocsf/,
    },
  ];
  for (const c of bad) {
    test(`bad input: ${c.note}`, async (t) => {
      const fx = await logFixture(t);
      await writeLog(fx, 1);
      const r = await runCli(['audit', 'export', '--dir', fx.dir, ...c.args]);
      assert.equal(r.code, c.code);
      assert.match(r.stderr, c.err);
      assert.equal(r.stdout, '');
    });
  }

  test('an output that cannot be written: ERR_AUDIT_EXPORT, exit 1, no partial file', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 2);
    const out = join(fx.stateDir, 'no-such-dir', 'x.csv');
    const r = await runCli(['audit', 'export', '--dir', fx.dir, '--out', out]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`^palisade: error \\[ERR_AUDIT_EXPORT\\]: cannot write ${out}: ENOENT`),
    );
  });

  test('a directory without logs: one clear line, exit 1', async (t) => {
    const dir = await tempDir(t);
    const r = await runCli(['audit', 'export', '--dir', dir]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      `palisade: error [ERR_AUDIT_NO_LOG]: ${dir}: no audit log files here or in its subdirectories`,
    );
  });

  test('malformed lines and a half-written end: records still exported, summary names file:line and counts', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 3);
    const file = (await readdir(fx.dir)).find((f) => f.endsWith('.jsonl')) as string;
    await appendFile(join(fx.dir, file), 'garbage\n{"type":"audit","v":1,"seq":7,"kind":"authz"}\n{"half');
    const r = await runCli(['audit', 'export', '--dir', fx.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 3);
    assert.match(r.stderr, /exported 3 of 3 records/);
    assert.match(
      r.stderr,
      new RegExp(
        `warning: 2 line\\(s\\) were not well-formed records and were skipped: ${file}:6, ${file}:7 \\(run "palisade audit verify"\\)`,
      ),
    );
    assert.match(r.stderr, new RegExp(`warning: ${file}: half-written last line \\(6 bytes\\)`));

    const json = await runCli([
      '--json',
      'audit',
      'export',
      '--dir',
      fx.dir,
      '--out',
      join(fx.stateDir, 'x.jsonl'),
    ]);
    assert.equal(json.code, 0, json.stderr);
    const summary = JSON.parse(json.stdout);
    assert.deepEqual([summary.malformed, summary.malformedAt], [2, [`${file}:6`, `${file}:7`]]);
  });
});
