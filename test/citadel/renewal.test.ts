import assert from 'node:assert/strict';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type RotateDirResult, rotateSvidDir, watchSvidDir } from '../../citadel/renewal.js';
import { initCa } from '../../citadel/rotation.js';
import { parseSpiffeId } from '../../citadel/spiffe-id.js';
import { readSvidDir } from '../../citadel/svid-dir.js';
import { FakeClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/tmp.js';

const ID = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
const MIN = 60_000;

function code(expected: string, message: RegExp) {
  return (err: Error & { code?: string }) => {
    assert.equal(err.code, expected, err.message);
    assert.match(err.message, message);
    return true;
  };
}

async function setup(t: { after: (fn: () => unknown) => void }) {
  const base = await tempDir(t);
  const clock = new FakeClock();
  await initCa({ stateDir: base, trustDomain: 'example.org', clock });
  return { stateDir: base, dir: join(base, 'svid'), clock };
}

describe('rotateSvidDir', () => {
  test('first issuance, then only past half-life, or when forced', async (t) => {
    const { stateDir, dir, clock } = await setup(t);
    const source = { kind: 'local' as const, stateDir };
    const first = await rotateSvidDir({ dir, source, spiffeId: ID, clock });
    assert.equal(first.rotated, true);
    assert.equal(first.reason, 'first issuance');
    clock.add(29 * MIN);
    const early = await rotateSvidDir({ dir, source, clock });
    assert.equal(early.rotated, false);
    assert.match(early.reason, /^not due until /);
    assert.equal(early.serial, first.serial);
    const forced = await rotateSvidDir({ dir, source, clock, force: true });
    assert.equal(forced.rotated, true);
    assert.equal(forced.previousSerial, first.serial);
    clock.add(31 * MIN);
    const due = await rotateSvidDir({ dir, source, clock });
    assert.equal(due.rotated, true);
    assert.equal(due.reason, 'due');
    assert.equal((await readSvidDir(dir)).svid.chain[0]!.serial, due.serial);
  });

  test('--if-expires-within overrides half-life', async (t) => {
    const { stateDir, dir, clock } = await setup(t);
    const source = { kind: 'local' as const, stateDir };
    await rotateSvidDir({ dir, source, spiffeId: ID, clock });
    clock.add(40 * MIN);
    assert.equal((await rotateSvidDir({ dir, source, clock, ifExpiresWithinMs: 10 * MIN })).rotated, false);
    clock.add(11 * MIN);
    assert.equal((await rotateSvidDir({ dir, source, clock, ifExpiresWithinMs: 10 * MIN })).rotated, true);
  });

  test('an empty directory needs a SPIFFE ID (local) or a join token (citadel)', async (t) => {
    const { stateDir, dir, clock } = await setup(t);
    await assert.rejects(
      rotateSvidDir({ dir, source: { kind: 'local', stateDir }, clock }),
      code('ERR_CITADEL_INVALID_ARGUMENT', /holds no SVID yet/),
    );
    await assert.rejects(
      rotateSvidDir({ dir, source: { kind: 'citadel', address: '127.0.0.1:1' }, spiffeId: ID, clock }),
      code('ERR_CITADEL_UNAUTHENTICATED', /a first issuance needs --token/),
    );
  });
});

describe('watchSvidDir', () => {
  test('renews at half-life (with jitter) until aborted', async (t) => {
    const { stateDir, dir, clock } = await setup(t);
    const rotations: RotateDirResult[] = [];
    const abort = new AbortController();
    let wake: () => void = () => undefined;
    const done = watchSvidDir({
      dir,
      source: { kind: 'local', stateDir },
      spiffeId: ID,
      clock,
      signal: abort.signal,
      sleep: (ms, signal) => {
        const p = clock.sleep(ms, signal);
        wake();
        return p;
      },
      onRotate: (r) => rotations.push(r),
    });
    const parked = () =>
      new Promise<void>((resolve) => {
        wake = () => resolve();
        if (clock.sleepers > 0) resolve();
      });
    await parked();
    assert.equal(rotations.length, 1);
    clock.add(36 * MIN); // past half-life (30m) plus the largest jitter (3m) of a 1h SVID
    await new Promise((r) => setImmediate(r));
    await parked();
    assert.equal(rotations.length, 2);
    abort.abort();
    await done;
  });

  test('keeps the current SVID in place and backs off while citadel is unreachable', async (t) => {
    const { stateDir, dir, clock } = await setup(t);
    await rotateSvidDir({ dir, source: { kind: 'local', stateDir }, spiffeId: ID, clock });
    const before = await readlink(join(dir, '..data'));
    clock.add(40 * MIN);
    const abort = new AbortController();
    const waits: number[] = [];
    await watchSvidDir({
      dir,
      source: { kind: 'citadel', address: '127.0.0.1:1' },
      clock,
      signal: abort.signal,
      minBackoffMs: 1000,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 3) abort.abort();
      },
    });
    assert.equal(waits.length, 3);
    // Exponential: each wait is drawn from [b/2, b] with b = 1s, 2s, 4s.
    assert.ok(waits[0]! >= 500 && waits[0]! <= 1000, String(waits));
    assert.ok(waits[1]! >= 1000 && waits[1]! <= 2000, String(waits));
    assert.ok(waits[2]! >= 2000 && waits[2]! <= 4000, String(waits));
    assert.equal(await readlink(join(dir, '..data')), before);
  });
});
