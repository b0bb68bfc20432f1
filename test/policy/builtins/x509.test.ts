/**
 * @module crypto.x509 builtins on a CA, an intermediate and a SPIFFE leaf generated at test time (node-forge),
 * checking Go's field names, chain verification at the evaluation clock, CSRs and key pairs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import forge from 'node-forge';
import type { ObjectValue, Value } from '../../../policy/value/index.js';
import { call, context, FIXED_NOW_NS, runTable } from './harness.js';

const NOW = new Date(Number(FIXED_NOW_NS / 1_000_000n));
const keys = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });

function cert(
  cn: string,
  issuer: forge.pki.Certificate | undefined,
  ca: boolean,
  extra: object[] = [],
): forge.pki.Certificate {
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = ca ? '01' : '2a';
  c.validity.notBefore = new Date(NOW.getTime() - 3600_000);
  c.validity.notAfter = new Date(NOW.getTime() + 3600_000);
  c.setSubject([
    { name: 'commonName', value: cn },
    { name: 'organizationName', value: 'Palisade' },
  ]);
  c.setIssuer((issuer ?? c).subject.attributes);
  c.setExtensions([{ name: 'basicConstraints', cA: ca, critical: true }, ...extra]);
  c.sign(keys.privateKey, forge.md.sha256.create());
  return c;
}

const root = cert('Root CA', undefined, true);
const intermediate = cert('Intermediate CA', root, true);
const leaf = cert('', intermediate, false, [
  {
    name: 'subjectAltName',
    altNames: [
      { type: 6, value: 'spiffe://example.org/ns/default/sa/web' },
      { type: 2, value: 'web.local' },
    ],
  },
  { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
]);
const pem = (c: forge.pki.Certificate) => forge.pki.certificateToPem(c);

test('parse_certificates exposes Go x509 fields', () => {
  const [parsed] = call('crypto.x509.parse_certificates', [pem(leaf)]) as ObjectValue[];
  assert.ok(parsed);
  assert.deepEqual(parsed.get('URIStrings'), ['spiffe://example.org/ns/default/sa/web']);
  assert.deepEqual(parsed.get('DNSNames'), ['web.local']);
  assert.equal((parsed.get('Issuer') as ObjectValue).get('CommonName'), 'Intermediate CA');
  assert.deepEqual((parsed.get('Subject') as ObjectValue).get('Organization'), ['Palisade']);
  assert.equal(parsed.get('SerialNumber'), 42);
  assert.equal(parsed.get('Version'), 3);
  assert.equal(parsed.get('IsCA'), false);
  assert.deepEqual(parsed.get('ExtKeyUsage'), [1, 2]);
  assert.equal(parsed.get('SignatureAlgorithm'), 4, 'SHA256WithRSA');
  // Base64 DER and a bundle of several certificates work too.
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(leaf)).getBytes(), 'binary').toString(
    'base64',
  );
  assert.equal((call('crypto.x509.parse_certificates', [der]) as Value[]).length, 1);
  assert.equal((call('crypto.x509.parse_certificates', [pem(root) + pem(leaf)]) as Value[]).length, 2);
  runTable('crypto.x509.parse_certificates', [
    {
      note: 'garbage DER',
      args: [Buffer.from('not a certificate').toString('base64')],
      error: { code: 'eval_builtin_error', message: 'x509: malformed certificate' },
    },
    {
      note: 'bad base64',
      args: ['!!'],
      error: { code: 'eval_builtin_error', message: 'illegal base64 data at input byte 0' },
    },
  ]);
});

test('parse_and_verify_certificates checks the chain at the evaluation clock', () => {
  const chain = pem(root) + pem(intermediate) + pem(leaf);
  const [ok, certs] = call('crypto.x509.parse_and_verify_certificates', [chain]) as [boolean, ObjectValue[]];
  assert.equal(ok, true);
  assert.deepEqual(
    certs.map((c) => (c.get('Subject') as ObjectValue).get('CommonName')),
    ['', 'Intermediate CA', 'Root CA'],
  );
  const [bad] = call('crypto.x509.parse_and_verify_certificates', [pem(root) + pem(leaf)]) as [boolean];
  assert.equal(bad, false, 'missing intermediate');
  const later = context({ clock: () => FIXED_NOW_NS + 7_200_000_000_000n });
  const [expired] = call('crypto.x509.parse_and_verify_certificates', [chain], later) as [boolean];
  assert.equal(expired, false, 'expired at the evaluation time');
  const [withOpts] = call('crypto.x509.parse_and_verify_certificates_with_options', [
    chain,
    { KeyUsages: ['KeyUsageClientAuth'] },
  ]) as [boolean];
  assert.equal(withOpts, true);
  assert.throws(
    () => call('crypto.x509.parse_and_verify_certificates_with_options', [chain, { Nope: 1 }]),
    /invalid key option/,
  );
});

test('CSRs, key pairs and private keys', () => {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = keys.publicKey;
  csr.setSubject([{ name: 'commonName', value: 'example.com' }]);
  csr.sign(keys.privateKey);
  const parsed = call('crypto.x509.parse_certificate_request', [
    forge.pki.certificationRequestToPem(csr),
  ]) as ObjectValue;
  assert.equal((parsed.get('Subject') as ObjectValue).get('CommonName'), 'example.com');
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  const pair = call('crypto.x509.parse_keypair', [pem(leaf), keyPem]) as ObjectValue;
  assert.equal((pair.get('Certificate') as Value[]).length, 1);
  const jwk = call('crypto.x509.parse_rsa_private_key', [keyPem]) as ObjectValue;
  assert.equal(jwk.get('kty'), 'RSA');
  assert.equal(jwk.get('e'), 'AQAB');
  const parsedKeys = call('crypto.parse_private_keys', [keyPem]) as ObjectValue[];
  assert.equal(parsedKeys.length, 1);
  assert.equal((parsedKeys[0] as ObjectValue).get('E'), 65537);
  assert.equal(call('crypto.parse_private_keys', ['']), null);
});
