/**
 * @module The peer's SPIFFE identity from an mTLS connection. TLS layer: OpenSSL has already validated the
 * certificate path to the live trust bundle during the handshake (`rejectUnauthorized`); this applies the
 * X509-SVID leaf rules on top and extracts the SPIFFE ID the policy input names as `source.principal`.
 */
import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { SidecarError } from '../errors.js';
import { peerChain, verifyChain } from './chain-verify.js';

/** A parsed workload identity, as the policy input presents it. */
export interface PeerIdentity {
  readonly principal: string;
  readonly trustDomain: string;
  /** From the conventional `/ns/<namespace>/sa/<account>` path; empty when the path has another shape. */
  readonly namespace: string;
  readonly serviceAccount: string;
}

const SPIFFE_ID = /^spiffe:\/\/([a-z0-9._-]+)((?:\/[a-zA-Z0-9._-]+)*)$/;

/** Parse a SPIFFE ID string into its parts; throws ERR_SIDECAR_PEER_IDENTITY when it is not one. */
export function parsePeerId(id: string): PeerIdentity {
  const m = SPIFFE_ID.exec(id);
  if (m === null || id.length > 2048) {
    throw new SidecarError(
      'ERR_SIDECAR_PEER_IDENTITY',
      `not a SPIFFE ID: ${JSON.stringify(id.slice(0, 100))}`,
    );
  }
  const segments = (m[2] ?? '').split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new SidecarError('ERR_SIDECAR_PEER_IDENTITY', `SPIFFE ID has a dot segment: ${id}`);
  }
  const conventional = segments.length === 4 && segments[0] === 'ns' && segments[2] === 'sa';
  return {
    principal: id,
    trustDomain: m[1] as string,
    namespace: conventional ? (segments[1] as string) : '',
    serviceAccount: conventional ? (segments[3] as string) : '',
  };
}

/** Apply the X509-SVID leaf rules to a certificate already chained to the bundle. */
export function svidIdentity(leaf: X509Certificate, trustDomain: string): PeerIdentity {
  if (leaf.ca) throw new SidecarError('ERR_SIDECAR_PEER_IDENTITY', 'peer leaf certificate is a CA (cA=true)');
  const uris = (leaf.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
  if (uris.length !== 1) {
    throw new SidecarError(
      'ERR_SIDECAR_PEER_IDENTITY',
      `peer certificate must carry exactly one URI SAN, found ${uris.length}`,
    );
  }
  const id = parsePeerId(uris[0] as string);
  if (id.trustDomain !== trustDomain) {
    throw new SidecarError(
      'ERR_SIDECAR_PEER_IDENTITY',
      `peer ${id.principal} is from trust domain "${id.trustDomain}", not "${trustDomain}"`,
    );
  }
  return id;
}

/**
 * The verified identity of the peer on a completed mTLS handshake. Throws ERR_SIDECAR_PEER_IDENTITY when
 * the peer sent no certificate, the path did not validate, or the leaf is not a valid SVID of our domain.
 */
export function peerIdentity(
  socket: TLSSocket,
  trustDomain: string,
  /** For sockets Node did not verify (PERMISSIVE): the bundle roots to verify the chain against. */
  verifyAgainst?: readonly X509Certificate[],
): PeerIdentity {
  if (verifyAgainst !== undefined) {
    const chain = peerChain(socket);
    verifyChain(chain, verifyAgainst, new Date());
    return svidIdentity(chain[0] as X509Certificate, trustDomain);
  }
  if (!socket.authorized) {
    const why = socket.authorizationError ? String(socket.authorizationError) : 'no client certificate';
    throw new SidecarError('ERR_SIDECAR_PEER_IDENTITY', `peer certificate rejected: ${why}`);
  }
  const leaf = socket.getPeerX509Certificate();
  if (leaf === undefined) throw new SidecarError('ERR_SIDECAR_PEER_IDENTITY', 'peer sent no certificate');
  return svidIdentity(leaf, trustDomain);
}
