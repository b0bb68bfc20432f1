import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TrustBundle } from '../../citadel/bundle.js';
import { validateX509Svid } from '../../citadel/validator.js';
import { FakeClock } from '../helpers/clock.js';
import { type SvidOptions, TestCA } from '../helpers/test-ca.js';

const ID = 'spiffe://example.org/ns/shop/sa/cart';
const HOUR = 3_600_000;

function expectReject(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: Error & { code?: string }) => {
    assert.equal(err.code, code, `got ${err.code}: ${err.message}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('validateX509Svid: the X509-SVID spec, one test per rule', () => {
  const clock = new FakeClock();
  let root: TestCA;
  let inter: TestCA;
  let bundle: TrustBundle;
  before(async () => {
    root = await TestCA.create({ clock });
    inter = await root.childCA();
    bundle = root.bundle();
  });

  test('a conformant leaf + intermediate chain yields the SPIFFE ID', async () => {
    const svid = await inter.createX509SVID(ID);
    const id = validateX509Svid(svid.chain, bundle, { clock });
    assert.equal(id.toString(), ID);
    assert.equal(id.namespace, 'shop');
  });

  test('a leaf signed directly by the root, given as DER', async () => {
    const svid = await root.createX509SVID(ID);
    assert.equal(
      validateX509Svid(
        svid.chain.map((c) => c.der),
        bundle,
        { clock },
      ).toString(),
      ID,
    );
  });

  test('RSA keys and signatures are accepted', async () => {
    const rsaRoot = await TestCA.create({ clock, keyType: 'rsa-2048' });
    const svid = await rsaRoot.createX509SVID(ID, { keyType: 'rsa-2048' });
    assert.equal(validateX509Svid(svid.chain, rsaRoot.bundle(), { clock }).toString(), ID);
  });

  test('the root itself may be included at the end of the chain', async () => {
    const svid = await inter.createX509SVID(ID);
    assert.equal(validateX509Svid([...svid.chain, root.cert], bundle, { clock }).toString(), ID);
  });

  const bad: { note: string; opts: SvidOptions; id?: string; code: string; message: RegExp }[] = [
    {
      note: 'no URI SAN',
      opts: { uris: [] },
      code: 'ERR_CITADEL_SVID_URI_SAN',
      message: /exactly one URI SAN, found 0/,
    },
    {
      note: 'two URI SANs',
      opts: { uris: [ID, 'spiffe://example.org/ns/shop/sa/other'] },
      code: 'ERR_CITADEL_SVID_URI_SAN',
      message: /exactly one URI SAN, found 2/,
    },
    {
      note: 'URI SAN that is not a SPIFFE ID',
      opts: { uris: ['https://example.org/x'] },
      code: 'ERR_CITADEL_SVID_URI_SAN',
      message: /not a SPIFFE ID/,
    },
    {
      note: 'leaf carrying the trust domain ID',
      opts: { uris: ['spiffe://example.org'] },
      code: 'ERR_CITADEL_SVID_URI_SAN',
      message: /has no path/,
    },
    {
      note: 'foreign trust domain',
      opts: { uris: ['spiffe://evil.example/ns/a/sa/b'] },
      code: 'ERR_CITADEL_SVID_FOREIGN_TRUST_DOMAIN',
      message: /spiffe:\/\/evil\.example\/ns\/a\/sa\/b is not in trust domain "example\.org"/,
    },
    {
      note: 'leaf with cA=true',
      opts: { isCa: true },
      code: 'ERR_CITADEL_SVID_INVALID',
      message: /cA=false/,
    },
    {
      note: 'keyUsage without digitalSignature',
      opts: { keyUsage: ['keyEncipherment'] },
      code: 'ERR_CITADEL_SVID_INVALID',
      message: /lacks digitalSignature/,
    },
    {
      note: 'keyUsage with keyCertSign',
      opts: { keyUsage: ['digitalSignature', 'keyCertSign'] },
      code: 'ERR_CITADEL_SVID_INVALID',
      message: /must not include keyCertSign or cRLSign/,
    },
    {
      note: 'keyUsage with cRLSign',
      opts: { keyUsage: ['digitalSignature', 'cRLSign'] },
      code: 'ERR_CITADEL_SVID_INVALID',
      message: /must not include keyCertSign or cRLSign/,
    },
    {
      note: 'keyUsage not critical',
      opts: { keyUsageCritical: false },
      code: 'ERR_CITADEL_SVID_INVALID',
      message: /keyUsage must be critical/,
    },
    {
      note: 'expired leaf',
      opts: { notBefore: Date.parse('2025-01-01T00:00:00Z'), notAfter: Date.parse('2026-01-15T11:00:00Z') },
      code: 'ERR_CITADEL_SVID_EXPIRED',
      message: /leaf \(serial [0-9a-f]+\) expired at 2026-01-15T11:00:00\.000Z/,
    },
    {
      note: 'leaf not valid yet',
      opts: { notBefore: Date.parse('2026-01-15T13:00:00Z'), notAfter: Date.parse('2026-01-15T14:00:00Z') },
      code: 'ERR_CITADEL_SVID_NOT_YET_VALID',
      message: /not valid before 2026-01-15T13:00:00\.000Z/,
    },
  ];
  for (const c of bad) {
    test(`rejects: ${c.note}`, async () => {
      const svid = await inter.createX509SVID(c.id ?? ID, c.opts);
      expectReject(() => validateX509Svid(svid.chain, bundle, { clock }), c.code, c.message);
    });
  }

  test('rejects an EKU that does not allow the role', async () => {
    const svid = await inter.createX509SVID(ID, { extKeyUsage: ['serverAuth'] });
    assert.equal(validateX509Svid(svid.chain, bundle, { clock, usage: 'server' }).toString(), ID);
    expectReject(
      () => validateX509Svid(svid.chain, bundle, { clock, usage: 'client' }),
      'ERR_CITADEL_SVID_INVALID',
      /does not allow clientAuth/,
    );
  });

  test('rejects a chain to an unknown CA', async () => {
    const other = await TestCA.create({ clock });
    const svid = await other.createX509SVID(ID);
    expectReject(
      () => validateX509Svid(svid.chain, bundle, { clock }),
      'ERR_CITADEL_SVID_UNTRUSTED',
      /chains to an unknown CA/,
    );
  });

  test('rejects a forged signature under a trusted issuer name', async () => {
    const impostor = await TestCA.create({ clock });
    const svid = await inter.createX509SVID(ID, { signWith: impostor.key });
    expectReject(
      () => validateX509Svid(svid.chain, bundle, { clock }),
      'ERR_CITADEL_SVID_UNTRUSTED',
      /signature does not verify/,
    );
  });

  test('rejects a leaf whose intermediate is missing', async () => {
    const svid = await inter.createX509SVID(ID);
    expectReject(
      () => validateX509Svid([svid.chain[0]!], bundle, { clock }),
      'ERR_CITADEL_SVID_UNTRUSTED',
      /unknown CA/,
    );
  });

  test('rejects an expired intermediate', async () => {
    const old = await root.childCA({
      notBefore: Date.parse('2025-01-01T00:00:00Z'),
      notAfter: clock.now() - HOUR,
    });
    const svid = await old.createX509SVID(ID);
    expectReject(
      () => validateX509Svid(svid.chain, bundle, { clock }),
      'ERR_CITADEL_SVID_EXPIRED',
      /intermediate 1 \(serial [0-9a-f]+\) expired/,
    );
  });

  test('rejects an expired root', async () => {
    const deadRoot = await TestCA.create({
      clock,
      notBefore: Date.parse('2025-01-01T00:00:00Z'),
      notAfter: clock.now() - 1000,
    });
    const svid = await deadRoot.createX509SVID(ID);
    expectReject(
      () => validateX509Svid(svid.chain, deadRoot.bundle(), { clock }),
      'ERR_CITADEL_SVID_EXPIRED',
      /root \(serial [0-9a-f]+\) expired/,
    );
  });

  test('enforces pathLenConstraint', async () => {
    const strict = await root.childCA({ pathLen: 0 });
    const below = await strict.childCA();
    const svid = await below.createX509SVID(ID);
    expectReject(
      () => validateX509Svid(svid.chain, bundle, { clock }),
      'ERR_CITADEL_SVID_INVALID',
      /pathLenConstraint 0 exceeded/,
    );
  });

  test('rejects an empty chain and malformed DER', () => {
    expectReject(
      () => validateX509Svid([], bundle, { clock }),
      'ERR_CITADEL_SVID_UNTRUSTED',
      /no certificate presented/,
    );
    expectReject(
      () => validateX509Svid([Buffer.from('not a cert')], bundle, { clock }),
      'ERR_CITADEL_SVID_INVALID',
      /certificate 0 of the chain is malformed/,
    );
  });

  test('a bundle with two roots trusts SVIDs under either (root rotation overlap)', async () => {
    const newRoot = await TestCA.create({ clock });
    const both = new TrustBundle({
      trustDomain: 'example.org',
      roots: [root.cert, newRoot.cert],
      sequence: 2,
    });
    const a = await inter.createX509SVID(ID);
    const b = await newRoot.createX509SVID(ID);
    assert.equal(validateX509Svid(a.chain, both, { clock }).toString(), ID);
    assert.equal(validateX509Svid(b.chain, both, { clock }).toString(), ID);
  });
});
