/**
 * @module The peer identity check and its verdict cache: a chain validated once is recognised again, but
 * never outside the validity period of every certificate in it, and never for another trust bundle.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { TrustBundle } from '../../citadel/bundle.js';
import { splitPemCertificates } from '../../sidecar/tls/context-store.js';
import { peerIdentity } from '../../sidecar/tls/peer-identity.js';
import { makePki, TD, WEB } from './fixtures/mesh.js';

/** A socket stand-in whose peer presents `certPem` (leaf first), as `getPeerCertificate(true)` shows it. */
function socketPresenting(certPem: string): TLSSocket & { detailedReads: number } {
  const ders = splitPemCertificates(certPem).map((pem) => new X509Certificate(pem).raw);
  type Detailed = { raw: Buffer; issuerCertificate?: Detailed };
  let chain: Detailed | undefined;
  for (const raw of [...ders].reverse()) chain = { raw, ...(chain ? { issuerCertificate: chain } : {}) };
  const fingerprint256 = new X509Certificate(ders[0] as Buffer).fingerprint256;
  const socket = {
    detailedReads: 0,
    getPeerCertificate(detailed?: boolean) {
      if (!detailed) return { raw: ders[0], fingerprint256 };
      socket.detailedReads++;
      return chain;
    },
  };
  return socket as unknown as TLSSocket & { detailedReads: number };
}

test('a validated chain is recognised again only while valid and only for the same bundle', async () => {
  const pki = await makePki();
  const bundle = TrustBundle.fromPem(pki.web.bundlePem, TD, 'bundle.pem');
  const socket = socketPresenting(pki.web.certPem);
  const leaf = new X509Certificate(splitPemCertificates(pki.web.certPem)[0] as string);
  const now = Date.now();
  assert.equal(peerIdentity(socket, bundle, 'client', now).principal, WEB);
  assert.equal(socket.detailedReads, 1);
  assert.equal(peerIdentity(socket, bundle, 'client', now + 1000).principal, WEB);
  assert.equal(socket.detailedReads, 1, 'the second handshake reuses the verdict');
  // Past the leaf's notAfter the remembered verdict does not apply: the chain is validated and refused.
  assert.throws(
    () => peerIdentity(socket, bundle, 'client', Date.parse(leaf.validTo) + 1000),
    (err: Error & { code?: string }) =>
      err.code === 'ERR_SIDECAR_PEER_IDENTITY' && /expired/.test(err.message),
  );
  // Another CA's bundle (same trust domain name): the verdict for the first bundle is not reused.
  const other = await makePki();
  const otherBundle = TrustBundle.fromPem(other.web.bundlePem, TD, 'bundle.pem');
  assert.throws(
    () => peerIdentity(socket, otherBundle, 'client', now),
    (err: Error & { code?: string }) =>
      err.code === 'ERR_SIDECAR_PEER_IDENTITY' && /unknown CA|not in the trust bundle/.test(err.message),
  );
  // And a peer presenting nothing is refused.
  assert.throws(
    () => peerIdentity({ getPeerCertificate: () => ({}) } as unknown as TLSSocket, bundle, 'client', now),
    /no certificate/,
  );
});
