import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TrustBundle } from '../../citadel/bundle.js';
import { TestCA } from '../helpers/test-ca.js';

describe('TrustBundle', () => {
  test('PEM and SPIFFE bundle forms carry the same roots; sequence and refresh hint are kept', async () => {
    const a = await TestCA.create();
    const b = await TestCA.create({ keyType: 'rsa-2048' });
    const bundle = new TrustBundle({
      trustDomain: 'example.org',
      roots: [a.cert, b.cert],
      sequence: 7,
      refreshHintSeconds: 60,
    });
    const doc = bundle.toSpiffeBundle();
    assert.equal(doc.spiffe_sequence, 7);
    assert.equal(doc.spiffe_refresh_hint, 60);
    assert.deepEqual(
      doc.keys.map((k) => [k.kty, k.use]),
      [
        ['EC', 'x509-svid'],
        ['RSA', 'x509-svid'],
      ],
    );
    assert.equal(doc.keys[0]!.crv, 'P-256');
    const back = TrustBundle.fromSpiffeBundle(JSON.parse(JSON.stringify(doc)), 'example.org', 'b.json');
    assert.equal(back.sequence, 7);
    assert.equal(back.refreshHintSeconds, 60);
    assert.ok(back.roots.every((r, i) => r.der.equals(bundle.roots[i]!.der)));
    const fromPem = TrustBundle.fromPem(bundle.toPem(), 'example.org', 'bundle.pem', 7);
    assert.equal(fromPem.roots.length, 2);
    assert.ok(fromPem.hasRoot(a.cert) && fromPem.hasRoot(b.cert));
  });

  const bad = [
    { note: 'not an object', json: 3, message: /^b\.json: not a SPIFFE bundle: / },
    { note: 'keys is not a list', json: { keys: {} }, message: /keys/ },
    { note: 'x5c missing', json: { keys: [{ kty: 'EC', use: 'x509-svid' }] }, message: /x5c/ },
    { note: 'negative sequence', json: { keys: [], spiffe_sequence: -1 }, message: /spiffe_sequence/ },
    {
      note: 'x5c is not a certificate',
      json: { keys: [{ kty: 'EC', use: 'x509-svid', x5c: ['AAAA'] }] },
      message: /^b\.json: keys\[0\]\.x5c\[0\]: /,
    },
  ];
  for (const c of bad) {
    test(`SPIFFE bundle refused: ${c.note}`, () => {
      assert.throws(
        () => TrustBundle.fromSpiffeBundle(c.json, 'example.org', 'b.json'),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'ERR_CITADEL_BUNDLE_INVALID');
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  test('a PEM bundle holding a leaf certificate is refused', async () => {
    const ca = await TestCA.create();
    const leaf = await ca.createX509SVID('spiffe://example.org/x');
    assert.throws(
      () => TrustBundle.fromPem(leaf.chain[0]!.toPem(), 'example.org', 'bundle.pem'),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_CITADEL_BUNDLE_INVALID');
        assert.match(err.message, /^bundle\.pem: certificate 1 is not a CA certificate$/);
        return true;
      },
    );
  });
});
