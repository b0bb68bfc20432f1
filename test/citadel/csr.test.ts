import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { createCsr, createCsrPem, verifyCsr } from '../../citadel/csr.js';
import { encodeCertificationRequestInfo, encodeName, encodeSigned } from '../../citadel/internal/forge.js';
import { generatePrivateKey, signBytes, spkiOf } from '../../citadel/keys.js';
import { toPem } from '../../citadel/pem.js';
import { parseSpiffeId } from '../../citadel/spiffe-id.js';

const TD = 'example.org';
const ID = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');

/** A CSR asking for arbitrary URIs (the public builder only asks for one valid ID). */
function csrWithUris(key: KeyObject, uris: string[]): string {
  const info = encodeCertificationRequestInfo(encodeName([{ type: 'O', value: 'x' }]), spkiOf(key), uris);
  return toPem(encodeSigned(info, 'ecdsa-sha256', signBytes(key, info)), 'CERTIFICATE REQUEST');
}

function expectCsrError(input: string | Buffer, message: RegExp): Promise<void> {
  return assert.rejects(
    () => verifyCsr(input, TD),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_CSR_INVALID');
      assert.match(err.message, message);
      return true;
    },
  );
}

describe('CSR build and verify', () => {
  let key: KeyObject;
  before(async () => {
    key = await generatePrivateKey('ec-p256');
  });

  test('round trip: the ID and the key come back', async () => {
    const v = await verifyCsr(createCsrPem(key, ID), TD);
    assert.equal(v.spiffeId.toString(), ID.toString());
    assert.equal(v.keyType, 'ec-p256');
    assert.ok(v.spki.equals(spkiOf(key)));
  });

  test('DER input and RSA keys work too', async () => {
    const rsa = await generatePrivateKey('rsa-2048');
    assert.equal((await verifyCsr(createCsr(rsa, ID), TD)).keyType, 'rsa-2048');
  });

  const cases: { note: string; input: () => string | Buffer; message: RegExp }[] = [
    { note: 'empty input', input: () => '', message: /empty/ },
    { note: 'not PEM', input: () => 'hello', message: /no "CERTIFICATE REQUEST" PEM block/ },
    {
      note: 'PEM with garbage body',
      input: () => toPem(Buffer.from('garbage'), 'CERTIFICATE REQUEST'),
      message: /not valid DER/,
    },
    { note: 'zero URI SANs', input: () => csrWithUris(key, []), message: /exactly one URI SAN .*found 0/ },
    {
      note: 'two URI SANs',
      input: () => csrWithUris(key, [ID.toString(), 'spiffe://example.org/ns/shop/sa/other']),
      message: /exactly one URI SAN .*found 2/,
    },
    {
      note: 'foreign trust domain',
      input: () => csrWithUris(key, ['spiffe://evil.example/ns/a/sa/b']),
      message: /outside trust domain "example\.org"/,
    },
    {
      note: 'invalid SPIFFE ID',
      input: () => csrWithUris(key, ['spiffe://example.org/a/../b']),
      message: /"\." or "\.\." segments/,
    },
    {
      note: 'trust domain ID instead of a workload',
      input: () => csrWithUris(key, ['spiffe://example.org']),
      message: /has no path/,
    },
    {
      note: 'wrongly signed (signature by another key)',
      input: () => {
        const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        const info = encodeCertificationRequestInfo(encodeName([]), spkiOf(key), [ID.toString()]);
        return toPem(encodeSigned(info, 'ecdsa-sha256', signBytes(other, info)), 'CERTIFICATE REQUEST');
      },
      message: /signature does not verify/,
    },
    {
      note: 'tampered after signing',
      input: () => {
        const der = Buffer.from(createCsr(key, ID));
        const at = der.indexOf(Buffer.from('cart'));
        der[at] = 'k'.charCodeAt(0);
        return der;
      },
      message: /signature does not verify/,
    },
    {
      note: 'unsupported key (P-384)',
      input: () => {
        const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
        const info = encodeCertificationRequestInfo(encodeName([]), spkiOf(p384), [ID.toString()]);
        return toPem(encodeSigned(info, 'ecdsa-sha256', signBytes(p384, info)), 'CERTIFICATE REQUEST');
      },
      message: /unsupported key/,
    },
    {
      note: 'P-256 public key that is not a point on the curve',
      input: () => {
        const spki = Buffer.from(spkiOf(key));
        spki[spki.length - 1] = (spki[spki.length - 1] as number) ^ 1; // y no longer matches x
        const info = encodeCertificationRequestInfo(encodeName([]), spki, [ID.toString()]);
        return toPem(encodeSigned(info, 'ecdsa-sha256', signBytes(key, info)), 'CERTIFICATE REQUEST');
      },
      message: /public key: /,
    },
    { note: 'oversized', input: () => 'x'.repeat(20_000), message: /larger than 16384 bytes/ },
  ];
  for (const c of cases) test(`rejects: ${c.note}`, () => expectCsrError(c.input(), c.message));
});
