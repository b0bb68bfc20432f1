/**
 * @module The peer's SPIFFE identity from an mTLS connection, through citadel's X.509-SVID validator against
 * the live trust bundle. TLS layer: this is what `source.principal` in the policy input rests on.
 */
import type { TLSSocket } from 'node:tls';
// citadel's modules, not its index: the index also loads the CA server and gRPC, which a sidecar never runs.
import { type SpiffeId, tryParseSpiffeId } from '../../citadel/spiffe-id.js';
import { peerSpiffeId } from '../../citadel/tls-options.js';
import type { BundleView } from '../../citadel/validator.js';
import { SidecarError } from '../errors.js';

/** A parsed workload identity, as the policy input presents it. */
export interface PeerIdentity {
  readonly principal: string;
  readonly trustDomain: string;
  /** From the conventional `/ns/<namespace>/sa/<account>` path; empty when the path has another shape. */
  readonly namespace: string;
  readonly serviceAccount: string;
}

function fromSpiffeId(id: SpiffeId): PeerIdentity {
  return {
    principal: id.toString(),
    trustDomain: id.trustDomain,
    namespace: id.namespace ?? '',
    serviceAccount: id.serviceAccount ?? '',
  };
}

/** Parse a SPIFFE ID string (the sidecar's own, from config); throws ERR_SIDECAR_PEER_IDENTITY. */
export function parsePeerId(text: string): PeerIdentity {
  const id = tryParseSpiffeId(text);
  if (id === undefined) {
    throw new SidecarError(
      'ERR_SIDECAR_PEER_IDENTITY',
      `not a SPIFFE ID: ${JSON.stringify(text.slice(0, 100))}`,
    );
  }
  return fromSpiffeId(id);
}

/**
 * Validate the peer's chain on a completed handshake (path to the bundle, validity, exactly one URI SAN, leaf
 * rules, usage) and return its identity. Throws ERR_SIDECAR_PEER_IDENTITY with citadel's reason as cause.
 */
export function peerIdentity(
  socket: TLSSocket,
  bundle: BundleView,
  usage: 'client' | 'server',
): PeerIdentity {
  let id: SpiffeId;
  try {
    id = peerSpiffeId(socket, bundle, { usage });
  } catch (err) {
    throw new SidecarError(
      'ERR_SIDECAR_PEER_IDENTITY',
      `peer certificate rejected: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (id.trustDomain !== bundle.trustDomain) {
    throw new SidecarError(
      'ERR_SIDECAR_PEER_IDENTITY',
      `peer ${id.toString()} is from trust domain "${id.trustDomain}", not "${bundle.trustDomain}"`,
    );
  }
  return fromSpiffeId(id);
}
