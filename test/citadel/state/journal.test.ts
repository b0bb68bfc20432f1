import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describe, test } from 'node:test';
import { CertificateAuthority } from '../../../citadel/authority.js';
import { caStatus } from '../../../citadel/ca-status.js';
import type { JournalRecord } from '../../../citadel/config.js';
import { createCsrPem } from '../../../citadel/csr.js';
import { generatePrivateKey } from '../../../citadel/keys.js';
import { initCa, liveSvidsByRoot } from '../../../citadel/rotation.js';
import { parseSpiffeId } from '../../../citadel/spiffe-id.js';
import { caLockPath } from '../../../citadel/state/ca-lock.js';
import { caPaths } from '../../../citadel/state/ca-store.js';
import { IssuanceJournal } from '../../../citadel/state/journal.js';
import { FakeClock } from '../../helpers/clock.js';
import { tempDir } from '../../helpers/tmp.js';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function svid(serial: string, rootId: string, notAfter: number): JournalRecord {
  return {
    ts: iso(notAfter - HOUR),
    kind: 'svid',
    serial,
    spiffe_id: `spiffe://example.org/ns/a/sa/${serial}`,
    not_after: iso(notAfter),
    requester: 'test',
    root_id: rootId,
    intermediate_id: `int-${rootId}`,
  };
}

const jsonl = (records: object[]): string => records.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('IssuanceJournal.compact', () => {
  test('drops expired SVID lines into per-root counts; live SVIDs and CA lines stay', async (t) => {
    const path = `${await tempDir(t)}/journal.jsonl`;
    const now = Date.parse('2030-01-01T00:00:00Z');
    const ca: JournalRecord = { ...svid('r1', 'r1', now + 1000 * HOUR), kind: 'root', spiffe_id: '' };
    const earlier: JournalRecord = {
      ...svid('', 'old', now - 50 * HOUR),
      kind: 'expired-svids',
      spiffe_id: '',
      requester: 'citadel:compaction',
      count: 5,
    };
    await writeFile(
      path,
      jsonl([
        ca,
        earlier,
        svid('a', 'old', now - HOUR),
        svid('b', 'old', now - 2 * HOUR),
        svid('c', 'old', now + HOUR), // live under the old root: retire-root must still see it
        svid('d', 'new', now - 3 * HOUR),
        svid('e', 'new', now + 2 * HOUR),
      ]),
    );
    const journal = new IssuanceJournal(path);
    assert.equal(await journal.compact(now), 3);
    const after = await journal.readAll();
    assert.deepEqual(
      after.filter((r) => r.kind === 'expired-svids').map((r) => [r.root_id, r.count, r.not_after]),
      [
        ['old', 7, iso(now - HOUR)],
        ['new', 1, iso(now - 3 * HOUR)],
      ],
    );
    assert.deepEqual(
      after.filter((r) => r.kind !== 'expired-svids').map((r) => r.serial),
      ['r1', 'c', 'e'],
    );
    // Appends after a compaction go to the new file.
    await journal.record(svid('f', 'new', now + HOUR));
    assert.deepEqual((await journal.readAll()).map((r) => r.serial).slice(-1), ['f']);
  });

  test('a malformed line stops compaction with file and line named; the file is untouched', async (t) => {
    const path = `${await tempDir(t)}/journal.jsonl`;
    const text = `${jsonl([svid('a', 'r', 0)])}{"ts": 5}\n`;
    await writeFile(path, text);
    await assert.rejects(
      new IssuanceJournal(path).compact(Date.now()),
      (err: Error & { code?: string }) =>
        err.code === 'ERR_CITADEL_STATE_CORRUPT' && err.message.startsWith(`${path}:2: `),
    );
    assert.equal(await readFile(path, 'utf8'), text);
  });
});

describe('journal growth control in the CA', () => {
  test('past the size threshold, issuance compacts the journal; counts and live SVIDs per root survive', async (t) => {
    const stateDir = await tempDir(t);
    const clock = new FakeClock();
    await initCa({ stateDir, trustDomain: 'example.org', clock });
    const ca = await CertificateAuthority.open(stateDir, { clock, journalCompactBytes: 2000 });
    const id = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
    const issue = async (ttlMs: number) =>
      ca.issue({ csr: createCsrPem(await generatePrivateKey(), id), ttlMs, requester: 'test', via: 'local' });
    for (let i = 0; i < 4; i++) await issue(HOUR);
    await ca.journalCompaction();
    clock.add(2 * HOUR); // those four have expired
    for (let i = 0; i < 5; i++) await issue(4 * HOUR);
    await ca.journalCompaction();
    const records = await ca.journal.readAll();
    const live = records.filter((r) => r.kind === 'svid');
    assert.equal(live.length, 5);
    assert.ok(live.every((r) => Date.parse(r.not_after) > clock.now()));
    assert.ok(records.some((r) => r.kind === 'expired-svids'));
    const status = await caStatus({ stateDir, clock });
    assert.equal(status.issued, 9);
    assert.equal(status.live, 5);
    assert.equal([...(await liveSvidsByRoot(caPaths(stateDir), clock.now())).values()][0]?.count, 5);
  });

  test('while another process holds the CA lock, compaction waits and issuance goes on', async (t) => {
    const stateDir = await tempDir(t);
    const clock = new FakeClock();
    await initCa({ stateDir, trustDomain: 'example.org', clock });
    const ca = await CertificateAuthority.open(stateDir, { clock, journalCompactBytes: 1 });
    await writeFile(
      caLockPath(stateDir),
      JSON.stringify({ pid: process.pid, host: hostname(), command: 'ca rotate-root', since: 'now' }),
    );
    const id = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
    const csr = createCsrPem(await generatePrivateKey(), id);
    await ca.issue({ csr, requester: 'test', via: 'local' });
    await ca.journalCompaction();
    const kinds = (await ca.journal.readAll()).map((r) => r.kind);
    assert.deepEqual(kinds, ['root', 'intermediate', 'svid']);
  });
});
