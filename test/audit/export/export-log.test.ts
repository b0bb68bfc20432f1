import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { exportLogs } from '../../../audit/index.js';
import { MALFORMED_POSITIONS } from '../../../audit/read/log-records.js';
import { authzEvent, logFixture, writeLog } from '../log-fixture.js';

async function run(options: Omit<Parameters<typeof exportLogs>[0], 'out'>) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const summary = await exportLogs({ ...options, out });
  return { summary, text };
}

describe('exportLogs', () => {
  test('streams records across rotated gzip files in order, filtered, as jsonl lines written byte-exact', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 90, { rotation: { max_bytes: '8KiB' } });
    const { summary, text } = await run({ dirs: [fx.dir], filter: { decision: 'deny' }, format: 'jsonl' });
    const lines = text.trim().split('\n');
    assert.equal(summary.scanned, 90);
    assert.equal(summary.exported, 30);
    assert.ok(summary.files >= 3);
    assert.equal(lines.length, 30);
    const seqs = lines.map((l) => JSON.parse(l).seq as number);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.ok(lines.every((l) => JSON.parse(l).decision === 'deny' && /"hash":"[0-9a-f]{64}"}$/.test(l)));
  });

  test('merges several logs by time, and reports gaps the writers recorded', async (t) => {
    const a = await logFixture(t);
    const b = await logFixture(t);
    b.clock.ms = a.clock.ms;
    const la = await a.open();
    const lb = await b.open({ mode: 'drop', buffer_records: 16 });
    for (let i = 0; i < 20; i++) {
      a.clock.advance(2);
      b.clock.advance(2);
      la.record(authzEvent({ request_id: `a${i}`, ts: a.clock.now() }));
      lb.record(authzEvent({ request_id: `b${i}`, ts: b.clock.now() + 1 }));
    }
    await la.close();
    await lb.close();
    const { summary, text } = await run({ dirs: [a.dir, b.dir], filter: {}, format: 'csv' });
    const rows = text.trim().split('\r\n');
    assert.equal(rows.length, 1 + 20 + 16);
    const ts = rows.slice(1).map((r) => r.split(',')[0] as string);
    assert.deepEqual(ts, [...ts].sort());
    assert.equal(summary.lostByWriter, 4);
    assert.equal(summary.logs, 2);
  });

  test('ocsf: one JSON event per line', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 5);
    const { text } = await run({ dirs: [fx.dir], filter: {}, format: 'ocsf' });
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(events.length, 5);
    assert.ok(events.every((e) => e.class_uid === 6003));
  });

  test('damaged files and malformed lines are counted, not fatal', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 5);
    const { appendFile, readdir } = await import('node:fs/promises');
    const file = (await readdir(fx.dir)).find((f) => f.endsWith('.jsonl')) as string;
    await appendFile(
      join(fx.dir, file),
      'garbage\n{"type":"audit","v":1,"seq":9,"ts":"2026-11-24T10:00:00.000Z","kind":"authz","x":1}\n{"half',
    );
    const { summary } = await run({ dirs: [fx.dir], filter: {}, format: 'jsonl' });
    assert.equal(summary.exported, 5);
    assert.equal(summary.malformed, 2);
    // Header + 5 records + closing checkpoint come first: the garbage is on lines 8 and 9.
    assert.deepEqual(summary.malformedAt, [`${file}:8`, `${file}:9`]);
    assert.deepEqual(
      summary.damaged.map((d) => [d.file, d.end]),
      [[file, 'torn']],
    );
  });

  test('malformed lines: the count goes on, positions stop at MALFORMED_POSITIONS per log, full paths for several logs', async (t) => {
    const a = await logFixture(t);
    const b = await logFixture(t);
    await writeLog(a, 3);
    await writeLog(b, 3);
    const { appendFile, readdir } = await import('node:fs/promises');
    const fileA = (await readdir(a.dir)).find((f) => f.endsWith('.jsonl')) as string;
    const fileB = (await readdir(b.dir)).find((f) => f.endsWith('.jsonl')) as string;
    const extra = MALFORMED_POSITIONS + 5;
    await appendFile(join(a.dir, fileA), 'not json\n'.repeat(extra));
    await appendFile(join(b.dir, fileB), '{"type":"audit"}\n');
    const { summary, text } = await run({ dirs: [a.dir, b.dir], filter: {}, format: 'csv' });
    assert.equal(summary.exported, 6);
    assert.equal(text.trim().split('\r\n').length, 7);
    assert.equal(summary.malformed, extra + 1);
    assert.equal(summary.malformedAt.length, MALFORMED_POSITIONS + 1);
    assert.equal(summary.malformedAt[0], `${join(a.dir, fileA)}:6`);
    assert.equal(
      summary.malformedAt[MALFORMED_POSITIONS - 1],
      `${join(a.dir, fileA)}:${5 + MALFORMED_POSITIONS}`,
    );
    assert.equal(summary.malformedAt[MALFORMED_POSITIONS], `${join(b.dir, fileB)}:6`);
  });
});
