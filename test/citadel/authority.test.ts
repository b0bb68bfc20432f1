import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CertificateAuthority } from '../../citadel/authority.js';
import { createCsrPem } from '../../citadel/csr.js';
import { type IdentityEvent, onIdentityEvent } from '../../citadel/identity-events.js';
import { generatePrivateKey } from '../../citadel/keys.js';
import { initCa } from '../../citadel/rotation.js';
import { parseSpiffeId, type SpiffeId } from '../../citadel/spiffe-id.js';
import { caPaths } from '../../citadel/state/ca-store.js';
import { validateX509Svid } from '../../citadel/validator.js';
import { FakeClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/tmp.js';

const ID = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
const HOUR = 3_600_000;

async function csrFor(id: SpiffeId): Promise<string> {
  return createCsrPem(await generatePrivateKey(), id);
}

function code(expected: string, message: RegExp) {
  return (err: Error & { code?: string }) => {
    assert.equal(err.code, expected, err.message);
    assert.match(err.message, message);
    return true;
  };
}

describe('CertificateAuthority.issue', () => {
  const clock = new FakeClock();
  let dir: string;
  let ca: CertificateAuthority;
  after(() => rm(dir, { recursive: true, force: true }));
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-authority-'));
    await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    ca = await CertificateAuthority.open(dir, { clock });
  });

  test('a default issuance: 1h, back-dated 10s, the X509-SVID leaf profile, journaled', async () => {
    const r = await ca.issue({ csr: await csrFor(ID), requester: 'unit', via: 'local' });
    const leaf = r.chain[0]!;
    assert.equal(leaf.notAfter.getTime(), clock.now() + HOUR);
    assert.equal(leaf.notBefore.getTime(), clock.now() - 10_000);
    assert.equal(r.ttlMs, HOUR);
    assert.equal(r.clamped, false);
    assert.deepEqual(leaf.san.uris, [ID.toString()]);
    assert.equal(leaf.isCa, false);
    assert.ok(leaf.hasBasicConstraints);
    assert.ok(leaf.keyUsageCritical);
    assert.deepEqual([...(leaf.keyUsage ?? [])], ['digitalSignature']);
    assert.deepEqual(leaf.extKeyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.match(leaf.serial, /^[0-9a-f]{31,32}$/);
    assert.equal(validateX509Svid(r.chain, ca.bundle, { clock, usage: 'client' }).toString(), ID.toString());
    const journal = (await readFile(caPaths(dir).journal, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = journal[journal.length - 1];
    assert.deepEqual(
      {
        kind: last.kind,
        serial: last.serial,
        spiffe_id: last.spiffe_id,
        not_after: last.not_after,
        requester: last.requester,
      },
      {
        kind: 'svid',
        serial: leaf.serial,
        spiffe_id: ID.toString(),
        not_after: leaf.notAfter.toISOString(),
        requester: 'unit',
      },
    );
  });

  test('serials are random and distinct', async () => {
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++)
      serials.add((await ca.issue({ csr: await csrFor(ID), requester: 'u', via: 'local' })).chain[0]!.serial);
    assert.equal(serials.size, 20);
  });

  test('a TTL above the maximum is clamped, not refused', async () => {
    const r = await ca.issue({ csr: await csrFor(ID), ttlMs: 72 * HOUR, requester: 'u', via: 'local' });
    assert.equal(r.ttlMs, 24 * HOUR);
    assert.equal(r.clamped, true);
  });

  test('a leaf never outlives its intermediate', async (t) => {
    const d = await tempDir(t);
    const c = new FakeClock();
    await initCa({
      stateDir: d,
      trustDomain: 'example.org',
      clock: c,
      policy: { intermediateTtlMs: 2 * HOUR },
    });
    const a = await CertificateAuthority.open(d, { clock: c });
    c.add(90 * 60_000);
    const r = await a.issue({ csr: await csrFor(ID), ttlMs: HOUR, requester: 'u', via: 'local' });
    assert.equal(r.chain[0]!.notAfter.getTime(), r.chain[1]!.notAfter.getTime());
    assert.equal(r.clamped, true);
  });

  const refusals = [
    {
      note: 'non-positive TTL',
      req: { ttlMs: 0 },
      id: ID,
      code: 'ERR_CITADEL_INVALID_ARGUMENT',
      message: /TTL must be positive/,
    },
    {
      note: 'CSR names another ID than the caller may obtain',
      req: { requireSpiffeId: parseSpiffeId('spiffe://example.org/ns/shop/sa/other') },
      id: ID,
      code: 'ERR_CITADEL_PERMISSION_DENIED',
      message:
        /CSR asks for spiffe:\/\/example\.org\/ns\/shop\/sa\/cart but the caller may only obtain .*\/other/,
    },
    {
      note: "a reserved /palisade/ ID (citadel's own identity)",
      req: {},
      id: parseSpiffeId('spiffe://example.org/palisade/citadel'),
      code: 'ERR_CITADEL_PERMISSION_DENIED',
      message: /reserved for Palisade's own components/,
    },
    {
      note: 'foreign trust domain',
      req: {},
      id: parseSpiffeId('spiffe://evil.example/x'),
      code: 'ERR_CITADEL_CSR_INVALID',
      message: /outside trust domain/,
    },
  ];
  for (const c of refusals) {
    test(`refuses: ${c.note}, leaving the journal untouched`, async () => {
      const before = await readFile(caPaths(dir).journal, 'utf8');
      await assert.rejects(
        ca.issue({ csr: await csrFor(c.id), requester: 'u', via: 'local', ...c.req }),
        code(c.code, c.message),
      );
      assert.equal(await readFile(caPaths(dir).journal, 'utf8'), before);
    });
  }

  test('issuance publishes an identity event', async () => {
    const events: IdentityEvent[] = [];
    const off = onIdentityEvent((e) => events.push(e));
    const r = await ca.issue({ csr: await csrFor(ID), requester: 'evt', via: 'local' });
    off();
    const e = events.find((x) => x.type === 'svid.issued');
    assert.ok(e && e.type === 'svid.issued');
    assert.equal(e.serial, r.chain[0]!.serial);
    assert.equal(e.requester, 'evt');
  });

  test('join tokens are single-use, also across a restart', async () => {
    const t = await ca.createJoinToken(ID);
    const v = await ca.verifyJoinToken(t.token);
    await ca.consumeJoinToken(v);
    await assert.rejects(ca.verifyJoinToken(t.token), code('ERR_CITADEL_TOKEN_REPLAYED', /already used/));
    await assert.rejects(ca.consumeJoinToken(v), code('ERR_CITADEL_TOKEN_REPLAYED', /already used/));
    const restarted = await CertificateAuthority.open(dir, { clock });
    await assert.rejects(
      restarted.verifyJoinToken(t.token),
      code('ERR_CITADEL_TOKEN_REPLAYED', /already used/),
    );
  });

  test('a failing beforeSign (token consumption) aborts issuance', async () => {
    await assert.rejects(
      ca.issue({
        csr: await csrFor(ID),
        requester: 'u',
        via: 'join-token',
        beforeSign: () => Promise.reject(new Error('ledger full')),
      }),
      /ledger full/,
    );
  });

  test('join tokens only for workload IDs of this trust domain; TTL clamped to the maximum', async () => {
    await assert.rejects(
      ca.createJoinToken(parseSpiffeId('spiffe://evil.example/x')),
      code('ERR_CITADEL_INVALID_ARGUMENT', /not a workload ID/),
    );
    const t = await ca.createJoinToken(ID, 10 * 24 * HOUR);
    assert.equal(t.expiresAt.getTime(), Math.floor(clock.now() / 1000) * 1000 + 24 * HOUR);
  });
});
