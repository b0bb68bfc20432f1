/**
 * @module Verifies a peer's certificate chain against the trust bundle in JavaScript, for TLS sockets the
 * sidecar builds itself (PERMISSIVE ports), where Node does not report OpenSSL's verdict. TLS layer:
 * each certificate must be issued and signed by the next, all must be in their validity window, and the
 * last must be issued by a root of the bundle.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { SidecarError } from '../errors.js';
import { splitPemCertificates } from './context-store.js';

/** Parse the bundle's roots once per bundle revision. */
export function parseRoots(bundlePem: string): X509Certificate[] {
  return splitPemCertificates(bundlePem).map((pem) => new X509Certificate(pem));
}

/** The peer's chain as sent, leaf first. */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const out: X509Certificate[] = [];
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(new X509Certificate(cert.raw));
    const next: PeerCertificate | undefined = (cert as { issuerCertificate?: PeerCertificate })
      .issuerCertificate;
    cert = next;
  }
  return out;
}

/** Throws ERR_SIDECAR_PEER_IDENTITY unless `chain` leads to one of `roots` and is valid at `now`. */
export function verifyChain(
  chain: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: Date,
): void {
  if (chain.length === 0) throw new SidecarError('ERR_SIDECAR_PEER_IDENTITY', 'peer sent no certificate');
  const fail = (why: string) => {
    throw new SidecarError('ERR_SIDECAR_PEER_IDENTITY', `peer certificate rejected: ${why}`);
  };
  const t = now.getTime();
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as X509Certificate;
    if (t < Date.parse(cert.validFrom) || t > Date.parse(cert.validTo))
      fail(`certificate ${i} is outside its validity period`);
    const root = roots.find((r) => cert.checkIssued(r) && cert.verify(r.publicKey));
    if (root !== undefined) {
      if (t < Date.parse(root.validFrom) || t > Date.parse(root.validTo)) fail('trust anchor expired');
      return;
    }
    const issuer = chain[i + 1];
    if (issuer === undefined || !issuer.ca || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      fail('chain does not lead to a root of the trust bundle');
    }
  }
  fail('chain does not lead to a root of the trust bundle');
}
