import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readVerificationKeys, verifyLog } from '../../../audit/index.js';
import {
  authzEvent,
  CALLER,
  logFiles,
  logFixture,
  readFileLines,
  WRITER,
  writeFileLines,
} from '../log-fixture.js';

/** The record count of every batch the log writes from now on (its diagnostics channel). */
function watchBatches(t: { after: (fn: () => void) => void }): number[] {
  const batches: number[] = [];
  const onBatch = (m: unknown) => batches.push((m as { records: number }).records);
  subscribe('palisade:audit:batch', onBatch);
  t.after(() => unsubscribe('palisade:audit:batch', onBatch));
  return batches;
}

async function verify(dir: string) {
  return verifyLog(dir, await readVerificationKeys(join(dir, 'audit-keys.jwks.json')));
}

async function records(dir: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const f of await logFiles(dir))
    for (const l of await readFileLines(join(dir, f))) out.push(JSON.parse(l));
  return out;
}

describe('openAuditLog: records', () => {
  test('writes versioned, chained records with the writer identity and a signed closing checkpoint', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open();
    assert.equal(log.record(authzEvent({ decision: 'deny', reason: 'no rule allows', status: 403 })), true);
    await log.close();
    const all = await records(fx.dir);
    assert.deepEqual(
      all.map((r) => r.kind),
      ['header', 'authz', 'checkpoint'],
    );
    const rec = all[1] as Record<string, unknown>;
    assert.equal(rec.type, 'audit');
    assert.equal(rec.v, 1);
    assert.equal(rec.seq, 2);
    assert.equal(rec.ts, '2026-11-24T10:00:00.000Z');
    assert.equal(rec.writer, WRITER);
    assert.equal(rec.decision, 'deny');
    assert.match(rec.decision_id as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(rec.source, { principal: CALLER, address: '10.0.0.7', port: 51234, mtls: true });
    assert.equal((all[2] as { final: boolean }).final, true);
    const result = await verify(fx.dir);
    assert.equal(result.ok, true, JSON.stringify(result.problem));
    assert.equal(result.decisions, 1);
    assert.equal(result.closed, true);
  });

  test('credentials never reach the log: built-in keys at any depth, configured keys and pino paths', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ redact: { keys: ['x-api-key'], paths: ['request.path'] } });
    log.record(
      authzEvent({
        input: {
          request: {
            headers: {
              Authorization: 'Bearer s3cret',
              COOKIE: 'sid=s3cret',
              'X-Api-Key': 's3cret',
              accept: '*/*',
            },
          },
          nested: [{ deeper: { 'proxy-authorization': 'Basic s3cret', 'set-cookie': 's3cret' } }],
        },
      }),
    );
    await log.close();
    const text = (await readFileLines(join(fx.dir, (await logFiles(fx.dir))[0] as string))).join('\n');
    assert.equal(text.includes('s3cret'), false, 'a credential value was written');
    const rec = (await records(fx.dir))[1] as {
      input: { request: { headers: Record<string, string> } };
      request: { path: string };
    };
    assert.deepEqual(rec.input.request.headers, {
      Authorization: '[redacted]',
      COOKIE: '[redacted]',
      'X-Api-Key': '[redacted]',
      accept: '*/*',
    });
    assert.equal(rec.request.path, '[redacted]');
    assert.equal((await verify(fx.dir)).ok, true, 'redacted records still verify');
  });

  test('an event cannot move the chain by carrying envelope fields', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open();
    log.record({ ...authzEvent(), seq: 99, v: 7, writer: 'spiffe://evil' } as never);
    await log.close();
    const rec = (await records(fx.dir))[1] as Record<string, unknown>;
    assert.deepEqual([rec.seq, rec.v, rec.writer], [2, 1, WRITER]);
    assert.equal((await verify(fx.dir)).ok, true);
  });
});

describe('openAuditLog: checkpoints, rotation, retention', () => {
  test('signs a checkpoint every N records and after T seconds of activity (injected clock)', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ checkpoint: { every_records: 5, interval: '10s' } });
    for (let i = 0; i < 8; i++) log.record(authzEvent());
    await log.flush();
    let kinds = (await records(fx.dir)).map((r) => r.kind);
    // header + 4 records = 5 → checkpoint; 4 more are not enough for the next one.
    assert.deepEqual(kinds.filter((k) => k === 'checkpoint').length, 1);
    fx.clock.advance(10_000);
    await log.flush();
    kinds = (await records(fx.dir)).map((r) => r.kind);
    assert.equal(kinds.at(-1), 'checkpoint', 'the interval elapsed, so a checkpoint covers the tail');
    const before = kinds.length;
    fx.clock.advance(10_000);
    await log.flush();
    assert.equal((await records(fx.dir)).length, before, 'no checkpoint when nothing was written since');
    await log.close();
    assert.equal((await verify(fx.dir)).ok, true);
  });

  test('rotates by size into gzip files whose headers continue the chain', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ rotation: { max_bytes: '8KiB' }, checkpoint: { every_records: 1000 } });
    for (let i = 0; i < 120; i++) log.record(authzEvent({ request_id: `r${i}` }));
    await log.close();
    const files = await logFiles(fx.dir);
    assert.ok(files.length >= 3, `expected several files, got ${files.join(', ')}`);
    assert.ok(
      files.slice(0, -1).every((f) => f.endsWith('.jsonl.gz')),
      'rotated files are compressed',
    );
    assert.ok(files.at(-1)?.endsWith('.jsonl'));
    const second = await readFileLines(join(fx.dir, files[1] as string));
    const header = JSON.parse(second[0] as string);
    assert.equal(header.kind, 'header');
    assert.equal(header.prev_file, (files[0] as string).replace(/\.jsonl\.gz$/, ''));
    const result = await verify(fx.dir);
    assert.equal(result.ok, true, JSON.stringify(result.problem));
    assert.equal(result.decisions, 120);
    assert.equal((await stat(join(fx.dir, files[0] as string))).mode & 0o777, 0o600);
  });

  test('rotates by age (injected clock) and does not rotate an empty file', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ rotation: { max_age: '1h' } });
    fx.clock.advance(2 * 3_600_000);
    await log.flush();
    assert.equal((await logFiles(fx.dir)).length, 1, 'nothing to rotate yet');
    log.record(authzEvent());
    await log.flush();
    fx.clock.advance(2 * 3_600_000);
    log.record(authzEvent());
    await log.close();
    assert.equal((await logFiles(fx.dir)).length, 2);
    assert.equal((await verify(fx.dir)).ok, true);
  });

  test('retention removes the oldest files and records what it removed; the log still verifies', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ rotation: { max_bytes: '4KiB' }, retention: { max_files: 3 } });
    for (let i = 0; i < 200; i++) {
      log.record(authzEvent({ request_id: `r${i}` }));
      if (i % 10 === 0) await log.flush();
    }
    await log.close();
    const files = await logFiles(fx.dir);
    assert.ok(files.length <= 4, `retention kept ${files.length} files`);
    assert.ok(!files[0]?.startsWith('audit-000001-'), 'the first file was removed');
    const retention = (await records(fx.dir)).filter((r) => r.kind === 'retention');
    assert.ok(retention.length > 0, 'a retention record says what was removed');
    const result = await verify(fx.dir);
    assert.equal(result.ok, true, JSON.stringify(result.problem));
    const firstHeader = JSON.parse((await readFileLines(join(fx.dir, files[0] as string)))[0] as string);
    assert.ok(
      result.removedFiles.includes(firstHeader.prev_file),
      'the oldest kept file links to a file retention recorded',
    );
  });
});

describe('openAuditLog: restarts and crashes', () => {
  test('a restart continues the chain in a new file', async (t) => {
    const fx = await logFixture(t);
    let log = await fx.open();
    log.record(authzEvent());
    await log.close();
    log = await fx.open();
    log.record(authzEvent());
    await log.close();
    const files = await logFiles(fx.dir);
    assert.equal(files.length, 2);
    const header = JSON.parse((await readFileLines(join(fx.dir, files[1] as string)))[0] as string);
    assert.equal(header.seq, 4);
    assert.equal(header.recovery, undefined, 'a clean close needs no recovery note');
    assert.equal((await verify(fx.dir)).ok, true);
  });

  test('after a crash with a half-written line, the next header records it and the log verifies', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ checkpoint: { every_records: 3 } });
    // header, 2 records, checkpoint (seq 4), then 2 records never signed.
    for (let i = 0; i < 4; i++) log.record(authzEvent());
    await log.flush();
    // Simulate kill -9 mid-write: no closing checkpoint, a torn last line, lock left behind by a dead pid.
    const file = join(fx.dir, (await logFiles(fx.dir))[0] as string);
    const lines = await readFileLines(file);
    await writeFileLines(file, lines);
    const { appendFile, writeFile } = await import('node:fs/promises');
    await appendFile(file, '{"type":"audit","v":1,"seq":99,"ts":"2026-');
    await writeFile(
      join(fx.dir, '.writer.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: 'x', identity: WRITER }),
    );
    const crashed = await verify(fx.dir);
    assert.equal(crashed.problem?.kind, 'half_written_line');
    // The crashed log object is abandoned; a new writer takes over.
    (log as unknown as { close: () => Promise<void> }).close = async () => undefined;
    const next = await fx.open();
    next.record(authzEvent());
    await next.close();
    const header = JSON.parse(
      (await readFileLines(join(fx.dir, (await logFiles(fx.dir)).at(-1) as string)))[0] as string,
    );
    assert.deepEqual(header.recovery, { torn_bytes: 42, unsigned_records: 2 });
    const result = await verify(fx.dir);
    assert.equal(result.ok, true, JSON.stringify(result.problem));
  });

  test('a second writer on the same directory is refused (ERR_AUDIT_LOCKED)', async (t) => {
    const fx = await logFixture(t);
    await fx.open();
    await assert.rejects(fx.open(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_AUDIT_LOCKED');
      assert.match(err.message, /already open in this process/);
      return true;
    });
  });

  test('the signing key is created 0600 in the state dir and its public half exported 0644 beside the log', async (t) => {
    const fx = await logFixture(t);
    await (await fx.open()).close();
    const key = join(fx.stateDir, 'keys', 'audit-signing.jwk');
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    assert.equal((await stat(join(fx.dir, 'audit-keys.jwks.json'))).mode & 0o777, 0o644);
    const jwks = JSON.parse(await readFile(join(fx.dir, 'audit-keys.jwks.json'), 'utf8'));
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0].d, undefined, 'no private material beside the log');
  });
});

describe('openAuditLog: pressure and failures', () => {
  const enospc = () => Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });

  test('block mode: a failed write makes the log unhealthy with the reason, refuses records, and recovers with a gap record', async (t) => {
    const fx = await logFixture(t);
    let failing = false;
    const log = await fx.open(
      { mode: 'block' },
      {
        beforeAppend: () => {
          if (failing) throw enospc();
        },
      },
    );
    failing = true;
    assert.equal(log.record(authzEvent({ request_id: 'queued-before-failure' })), true);
    await assert.rejects(log.flush(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_AUDIT_WRITE');
      assert.match(err.message, /ENOSPC/);
      return true;
    });
    assert.equal(log.healthy(), false);
    assert.match(log.status().reason ?? '', /^audit log cannot be written: ENOSPC/);
    assert.equal(
      log.record(authzEvent({ request_id: 'refused' })),
      false,
      'block mode refuses: the caller answers 503',
    );
    assert.equal(log.counters.refused, 1);
    assert.ok(log.counters.errors >= 1);
    failing = false;
    await log.flush();
    assert.equal(log.healthy(), true);
    await log.close();
    const all = await records(fx.dir);
    assert.ok(
      all.some((r) => r.request_id === 'queued-before-failure'),
      'the queued record was kept and written',
    );
    assert.equal(
      all.some((r) => r.request_id === 'refused'),
      false,
    );
    const gap = all.find((r) => r.kind === 'gap') as { dropped: number; reason: string };
    assert.equal(gap.dropped, 1);
    assert.match(gap.reason, /cannot be written/);
    const result = await verify(fx.dir);
    assert.equal(result.ok, true, JSON.stringify(result.problem));
    assert.equal(result.gaps, 1);
  });

  test('block mode: a full buffer is unhealthy and refuses until it drains', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ mode: 'block', buffer_records: 16 });
    const traced: unknown[] = [];
    const onRefused = (message: unknown) => traced.push(message);
    subscribe('palisade:audit:refused', onRefused);
    t.after(() => unsubscribe('palisade:audit:refused', onRefused));
    const accepted = Array.from({ length: 20 }, () => log.record(authzEvent())).filter(Boolean).length;
    assert.equal(accepted, 16);
    assert.equal(traced.length, 4, 'each refusal is published on diagnostics_channel');
    assert.deepEqual(traced[0], {
      dir: fx.dir,
      reason: 'audit buffer full (16 records waiting to be written)',
      mode: 'block',
    });
    assert.equal(log.healthy(), false);
    assert.match(log.status().reason ?? '', /^audit buffer full \(16 records waiting/);
    await log.flush();
    assert.equal(log.healthy(), true);
    assert.deepEqual([log.counters.written, log.counters.refused, log.counters.dropped], [16, 4, 0]);
  });

  test('drop mode: keeps serving, counts drops, and records the gap in the next written record', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ mode: 'drop', buffer_records: 16 });
    const results = Array.from({ length: 20 }, () => log.record(authzEvent()));
    assert.equal(results.filter((r) => !r).length, 4);
    assert.equal(log.healthy(), true, 'drop mode stays healthy when the buffer overflows');
    assert.equal(log.counters.dropped, 4);
    await log.close();
    const all = await records(fx.dir);
    const gapIndex = all.findIndex((r) => r.kind === 'gap');
    assert.equal((all[gapIndex] as { dropped: number }).dropped, 4);
    assert.match((all[gapIndex] as { reason: string }).reason, /buffer full/);
    assert.equal(all.filter((r) => r.kind === 'authz').length, 16);
    assert.equal((await verify(fx.dir)).gaps, 4);
  });

  test('records after close are refused and counted; close is idempotent', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ mode: 'drop' });
    await log.close();
    await log.close();
    assert.equal(log.record(authzEvent()), false);
    assert.equal(log.counters.dropped, 1);
    assert.equal(log.status().closed, true);
    assert.equal(log.status().reason, 'the audit log is closed');
  });
});

describe('openAuditLog: batching', () => {
  // The timeout turns the old failure (flush spinning forever) into a failed test rather than a hung suite.
  test('a fresh segment that a long retention record alone fills still takes records (flush and close finish)', {
    timeout: 30_000,
  }, async (t) => {
    const fx = await logFixture(t);
    const small = {
      rotation: { max_bytes: 4096, compress: false },
      checkpoint: { every_records: 1_000_000 },
    };
    const first = await fx.open(small);
    for (let i = 0; i < 300; i++) {
      first.record(authzEvent());
      await new Promise((r) => setImmediate(r));
    }
    await first.close();
    // Reopened with a short retention: the record listing ~50 removed files lands in a new segment by itself
    // and is larger than max_bytes.
    const second = await fx.open({ ...small, retention: { max_files: 2 } });
    for (let i = 0; i < 40; i++) {
      second.record(authzEvent());
      await new Promise((r) => setTimeout(r, 1));
    }
    await second.flush();
    assert.equal(second.status().buffered, 0);
    assert.equal(second.counters.written, 40);
    await second.close();
    assert.equal((await verify(fx.dir)).ok, true);
  });

  test('records arriving within batch_delay share one write; none waits longer than the delay', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ batch_delay: '40ms' });
    const batches = watchBatches(t);
    for (let i = 0; i < 10; i++) log.record(authzEvent());
    await new Promise((r) => setTimeout(r, 15));
    assert.deepEqual(batches, [], 'nothing written before the delay');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(batches, [10], 'one write for the ten records');
    assert.equal(log.counters.written, 10);
    await log.close();
    assert.equal((await verify(fx.dir)).decisions, 10);
  });

  test('under a steady stream, records arriving during a write wait for the next batch', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ batch_delay: '40ms' });
    const batches = watchBatches(t);
    // Records every turn of the event loop for 200 ms: many arrive while a write is in progress.
    let sent = 0;
    const until = Date.now() + 200;
    while (Date.now() < until) {
      log.record(authzEvent());
      log.record(authzEvent());
      sent += 2;
      await new Promise((r) => setImmediate(r));
    }
    await log.flush();
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      sent,
    );
    // One batch per delay (and one per 1,024 records), not one per write completion.
    const allowed = Math.ceil(200 / 40) + Math.ceil(sent / 1024) + 3;
    assert.ok(batches.length <= allowed, `${batches.length} writes for ${sent} records (at most ${allowed})`);
    await log.close();
  });

  test('batch_delay 0 writes on the next turn; a full batch does not wait out the delay', async (t) => {
    const fx = await logFixture(t);
    const eager = await fx.open({ batch_delay: 0 });
    eager.record(authzEvent());
    for (let i = 0; i < 50 && eager.counters.written === 0; i++) await new Promise((r) => setTimeout(r, 2));
    assert.equal(eager.counters.written, 1, 'written without a flush');
    await eager.close();

    const fx2 = await logFixture(t);
    const patient = await fx2.open({ batch_delay: '10s', flush_interval: '10s' });
    for (let i = 0; i < 1100; i++) patient.record(authzEvent());
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(patient.counters.written >= 1024, `written ${patient.counters.written} without waiting 10 s`);
    await patient.close();
  });
});
