import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { CertificateAuthority } from '../../citadel/authority.js';
import { caStatus } from '../../citadel/ca-status.js';
import { createCsrPem } from '../../citadel/csr.js';
import { generatePrivateKey } from '../../citadel/keys.js';
import { initCa, retireRoot, rotateIntermediate, rotateRoot } from '../../citadel/rotation.js';
import { parseSpiffeId } from '../../citadel/spiffe-id.js';
import { caPaths, loadCaState } from '../../citadel/state/ca-store.js';
import { validateX509Svid } from '../../citadel/validator.js';
import { FakeClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/tmp.js';

const ID = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function issue(ca: CertificateAuthority, ttlMs?: number) {
  const key = await generatePrivateKey();
  return ca.issue({ csr: createCsrPem(key, ID), ttlMs, requester: 'test', via: 'local' });
}

function code(expected: string, message: RegExp) {
  return (err: Error & { code?: string }) => {
    assert.equal(err.code, expected, err.message);
    assert.match(err.message, message);
    return true;
  };
}

describe('CA lifecycle', () => {
  test('init refuses to overwrite an existing CA, leaving it intact', async (t) => {
    const dir = await tempDir(t);
    const clock = new FakeClock();
    const first = await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    await assert.rejects(
      initCa({ stateDir: dir, trustDomain: 'other.org', clock }),
      code('ERR_CITADEL_STATE_EXISTS', /already exists .* refusing to overwrite/),
    );
    const state = await loadCaState(dir);
    assert.equal(state.manifest.trustDomain, 'example.org');
    assert.ok(state.roots[0]!.cert.der.equals(first.root.der));
  });

  test('init validates the trust domain and the TTL policy', async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(
      initCa({ stateDir: dir, trustDomain: 'Bad.Example' }),
      code('ERR_CITADEL_SPIFFE_ID', /lowercase/),
    );
    await assert.rejects(
      initCa({ stateDir: dir, trustDomain: 'example.org', policy: { svidDefaultTtlMs: 2 * DAY } }),
      code('ERR_CITADEL_INVALID_ARGUMENT', /default SVID TTL exceeds the maximum/),
    );
  });

  test('root 10y, intermediate 1y, both ECDSA P-256, the trust domain ID as URI SAN', async (t) => {
    const dir = await tempDir(t);
    const clock = new FakeClock();
    const r = await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    assert.equal(r.root.notAfter.getTime(), clock.now() + 3650 * DAY);
    assert.equal(r.intermediate.notAfter.getTime(), clock.now() + 365 * DAY);
    for (const c of [r.root, r.intermediate]) {
      assert.equal(c.keyType, 'ec-p256');
      assert.ok(c.isCa);
      assert.deepEqual([...(c.keyUsage ?? [])].sort(), ['cRLSign', 'keyCertSign']);
      assert.deepEqual(c.san.uris, ['spiffe://example.org']);
      assert.equal(c.notBefore.getTime(), clock.now() - 10_000);
    }
    assert.equal(r.intermediate.pathLen, 0);
  });

  test('rotate-intermediate: new issuer, old SVIDs still valid, bundle unchanged, old key gone', async (t) => {
    const dir = await tempDir(t);
    const clock = new FakeClock();
    await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    const ca = await CertificateAuthority.open(dir, { clock });
    const before = await issue(ca);
    const oldInterId = ca.activeHierarchy().intermediate.entry.id;
    const r = await rotateIntermediate({ stateDir: dir, clock });
    await ca.reload();
    const after = await issue(ca);
    assert.ok(after.chain[1]!.der.equals(r.intermediate.der));
    assert.ok(!before.chain[1]!.der.equals(r.intermediate.der));
    assert.equal(ca.bundle.sequence, 1);
    assert.equal(validateX509Svid(before.chain, ca.bundle, { clock }).toString(), ID.toString());
    await assert.rejects(access(caPaths(dir).intermediateKey(oldInterId)));
  });

  test('rotate-root → activate → retire, with overlap, live-SVID and force rules', async (t) => {
    const dir = await tempDir(t);
    const clock = new FakeClock();
    const init = await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    const ca = await CertificateAuthority.open(dir, { clock });
    const oldRootId = ca.activeHierarchy().root.entry.id;
    const old = await issue(ca);

    const rot = await rotateRoot({ stateDir: dir, clock, overlapMs: DAY, activateAfterMs: 10 * MIN });
    assert.equal(rot.bundleSequence, 2);
    const changed: number[] = [];
    ca.onBundleChange((b) => changed.push(b.sequence));
    await ca.reload();
    assert.deepEqual(changed, [2]);
    assert.equal(ca.bundle.roots.length, 2);

    // Staged: both roots trusted, issuance still under the old root.
    let s = await caStatus({ stateDir: dir, clock });
    assert.deepEqual(s.roots.map((r) => r.status).sort(), ['active', 'staged']);
    const staged = await issue(ca);
    assert.ok(staged.chain[1]!.namedIssuer(init.root));
    await assert.rejects(
      retireRoot({ stateDir: dir, clock }),
      code('ERR_CITADEL_NO_RETIRING_ROOT', /activates at/),
    );
    await assert.rejects(
      rotateRoot({ stateDir: dir, clock }),
      code('ERR_CITADEL_ROTATION_IN_PROGRESS', /already in progress/),
    );

    // Activated: new SVIDs chain to the new root; old ones still validate against the two-root bundle.
    clock.add(10 * MIN);
    const fresh = await issue(ca);
    assert.ok(fresh.chain[1]!.namedIssuer(rot.root));
    assert.equal(validateX509Svid(old.chain, ca.bundle, { clock }).toString(), ID.toString());
    s = await caStatus({ stateDir: dir, clock });
    assert.deepEqual(s.roots.map((r) => r.status).sort(), ['active', 'superseded']);

    // Retire refuses while old-root SVIDs live and the overlap runs.
    await assert.rejects(
      retireRoot({ stateDir: dir, clock }),
      code('ERR_CITADEL_ROOT_IN_USE', /2 live SVID\(s\) still chain to it .*; its overlap ends at .*--force/),
    );
    // After every old SVID expired but inside the overlap: still refused, for the overlap only.
    clock.add(2 * HOUR);
    await assert.rejects(
      retireRoot({ stateDir: dir, clock }),
      code('ERR_CITADEL_ROOT_IN_USE', /^refusing to retire root [^:]+: its overlap ends at/),
    );
    // After the overlap: retired; the bundle shrinks and its sequence moves on.
    clock.add(DAY);
    const ret = await retireRoot({ stateDir: dir, clock });
    assert.equal(ret.bundleSequence, 3);
    assert.equal(ret.liveSvids, 0);
    await ca.reload();
    assert.deepEqual(changed, [2, 3]);
    assert.equal(ca.bundle.roots.length, 1);
    assert.ok(ca.bundle.roots[0]!.der.equals(rot.root.der));
    await assert.rejects(access(caPaths(dir).rootKey(oldRootId)), /ENOENT/);
  });

  test('retire-root --force cuts off live SVIDs immediately', async (t) => {
    const dir = await tempDir(t);
    const clock = new FakeClock();
    await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    const ca = await CertificateAuthority.open(dir, { clock });
    const old = await issue(ca);
    await rotateRoot({ stateDir: dir, clock });
    const r = await retireRoot({ stateDir: dir, clock, force: true });
    assert.equal(r.liveSvids, 1);
    await ca.reload();
    assert.throws(
      () => validateX509Svid(old.chain, ca.bundle, { clock }),
      code('ERR_CITADEL_SVID_UNTRUSTED', /unknown CA/),
    );
  });

  test('status warns, and --check semantics, inside the expiry margin', async (t) => {
    const dir = await tempDir(t);
    const clock = new FakeClock();
    await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    let s = await caStatus({ stateDir: dir, clock });
    assert.deepEqual(s.warnings, []);
    clock.add(320 * DAY);
    s = await caStatus({ stateDir: dir, clock });
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0]!, /^intermediate .* expires at .*inside the margin/);
    clock.add(60 * DAY);
    s = await caStatus({ stateDir: dir, clock });
    assert.match(s.warnings[0]!, /EXPIRED/);
    assert.equal((await caStatus({ stateDir: dir, clock, marginMs: 1 })).warnings.length, 1);
  });
});
