/**
 * @module Mesh mutual TLS from an SVID and a trust bundle: Node `tls` options and secure contexts (TLS 1.3,
 * client certificate required), and the peer validator that turns a TLS socket's peer chain into a SPIFFE
 * ID or a typed error. The seam between citadel and the sidecar.
 */
import type { KeyObject } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import tls from 'node:tls';
import type { TrustBundle } from './bundle.js';
import type { Certificate } from './certificate.js';
import type { Clock } from './clock.js';
import { CitadelError } from './errors.js';
import { privateKeyToPem } from './keys.js';
import type { SpiffeId } from './spiffe-id.js';
import { type BundleView, validateX509Svid } from './validator.js';

/** A workload's credentials: its private key and its chain (leaf first). */
export interface Svid {
  key: KeyObject;
  chain: readonly Certificate[];
}

/** Which peer IDs to accept: one ID, a list, or a predicate. */
export type PeerIdMatcher = SpiffeId | readonly SpiffeId[] | ((id: SpiffeId) => boolean);

function matches(matcher: PeerIdMatcher | undefined, id: SpiffeId): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'function') return matcher(id);
  if (Array.isArray(matcher)) return (matcher as readonly SpiffeId[]).some((m) => m.equals(id));
  return (matcher as SpiffeId).equals(id);
}

/**
 * The peer's certificate chain as DER, leaf first, from `getPeerCertificate(true)` (follows
 * `issuerCertificate` links; stops at a self-issued certificate or a loop).
 */
export function peerChainDer(peer: PeerCertificate | tls.DetailedPeerCertificate | undefined): Buffer[] {
  const out: Buffer[] = [];
  let cur = peer as tls.DetailedPeerCertificate | undefined;
  const seen = new Set<object>();
  while (cur !== undefined && cur.raw !== undefined && !seen.has(cur) && out.length < 10) {
    seen.add(cur);
    out.push(cur.raw);
    if (cur.issuerCertificate === cur) break;
    cur = cur.issuerCertificate;
  }
  return out;
}

/**
 * Validate the peer of a connected TLS socket as an X.509-SVID of `bundle`'s trust domain and return its
 * SPIFFE ID. `usage` is the role the peer plays: `'client'` on a server socket, `'server'` on a client one.
 *
 * @throws CitadelError — the validator's codes (`ERR_CITADEL_SVID_EXPIRED`, `…_UNTRUSTED`, `…_URI_SAN`,
 *   `…_FOREIGN_TRUST_DOMAIN`, `…_INVALID`), or `ERR_CITADEL_UNAUTHENTICATED` when no certificate was sent.
 * @example
 * server.on('secureConnection', (socket) => {
 *   try { const id = peerSpiffeId(socket, bundle, { usage: 'client' }); } catch (err) { socket.destroy(); }
 * });
 */
export function peerSpiffeId(
  socket: TLSSocket,
  bundle: BundleView,
  options: { usage?: 'client' | 'server'; clock?: Clock } = {},
): SpiffeId {
  const chain = peerChainDer(socket.getPeerCertificate(true));
  if (chain.length === 0)
    throw new CitadelError('ERR_CITADEL_UNAUTHENTICATED', 'peer presented no certificate');
  return validateX509Svid(chain, bundle, {
    usage: options.usage ?? 'client',
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

function chainPem(svid: Svid): string {
  return svid.chain.map((c) => c.toPem()).join('');
}

/** Key, chain and trusted roots as `tls.createSecureContext` options, TLS 1.3 only. */
export function meshSecureContextOptions(svid: Svid, bundle: TrustBundle): tls.SecureContextOptions {
  return {
    key: privateKeyToPem(svid.key),
    cert: chainPem(svid),
    ca: bundle.toPem(),
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
  };
}

/** A ready `tls.SecureContext` for mesh mTLS (swap it into a server with `server.setSecureContext`). */
export function createMeshSecureContext(svid: Svid, bundle: TrustBundle): tls.SecureContext {
  return tls.createSecureContext(meshSecureContextOptions(svid, bundle));
}

/**
 * Options for a mesh mTLS server (`tls.createServer`): TLS 1.3, client certificate required and verified to
 * the bundle at the handshake. Validate the SPIFFE ID with `peerSpiffeId(socket, bundle)` afterwards.
 */
export function meshServerOptions(svid: Svid, bundle: TrustBundle): tls.TlsOptions {
  return { ...meshSecureContextOptions(svid, bundle), requestCert: true, rejectUnauthorized: true };
}

/**
 * Options for a mesh mTLS client (`tls.connect`): presents the SVID, verifies the server to the bundle,
 * and replaces hostname checking with X509-SVID validation plus an optional expected server ID.
 */
export function meshClientOptions(
  svid: Svid | undefined,
  bundle: TrustBundle,
  options: { expectServerId?: PeerIdMatcher; clock?: Clock } = {},
): tls.ConnectionOptions {
  const base =
    svid === undefined
      ? { ca: bundle.toPem(), minVersion: 'TLSv1.3' as const }
      : meshSecureContextOptions(svid, bundle);
  return {
    ...base,
    rejectUnauthorized: true,
    checkServerIdentity: (_host, cert) =>
      serverIdentityError(cert, bundle, options.expectServerId, options.clock),
  };
}

/** The `checkServerIdentity` logic: undefined when the server's SVID is acceptable, else the error. */
export function serverIdentityError(
  cert: PeerCertificate,
  bundle: BundleView,
  expect: PeerIdMatcher | undefined,
  clock?: Clock,
): Error | undefined {
  try {
    const id = validateX509Svid(peerChainDer(cert), bundle, { usage: 'server', ...(clock ? { clock } : {}) });
    if (!matches(expect, id)) {
      return new CitadelError(
        'ERR_CITADEL_PERMISSION_DENIED',
        `server identity ${id} is not the expected one`,
      );
    }
    return undefined;
  } catch (err) {
    return err as Error;
  }
}
