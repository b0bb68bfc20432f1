/**
 * @module The peer's SPIFFE identity from an mTLS connection, through citadel's X.509-SVID validator against
 * the live trust bundle. TLS layer: this is what `source.principal` in the policy input rests on.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
// citadel's modules, not its index: the index also loads the CA server and gRPC, which a sidecar never runs.
import { type SpiffeId, tryParseSpiffeId } from '../../citadel/spiffe-id.js';
import { peerChainDer } from '../../citadel/tls-options.js';
import { type BundleView, validateX509Svid } from '../../citadel/validator.js';
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

/** A validated chain: its identity and the window in which every certificate of it is valid. */
interface ValidatedChain {
  readonly identity: PeerIdentity;
  readonly notBefore: number;
  readonly notAfter: number;
}

// Peers reconnect with the same certificate many times, and reading the full peer chain from a socket
// (`getPeerCertificate(true)`, ~250 µs) and validating it in JavaScript (~500 µs) cost more than the rest
// of the handshake. So a verdict is remembered per trust bundle (a new bundle starts afresh) and per leaf
// (its SHA-256 fingerprint, read cheaply with `getPeerCertificate(false)`), and reused only while every
// certificate of the chain it was validated with is within its validity period. The leaf's signature
// binds it to the issuer key that path ran through, and OpenSSL still verifies every handshake's chain
// against the bundle's roots. Bounded: a flood of distinct leaves only evicts older verdicts.
const verdicts = new WeakMap<BundleView, Map<string, ValidatedChain>>();
const MAX_VERDICTS = 4096;

function validityWindow(chain: readonly Buffer[]): { notBefore: number; notAfter: number } {
  let notBefore = Number.NEGATIVE_INFINITY;
  let notAfter = Number.POSITIVE_INFINITY;
  for (const der of chain) {
    const cert = new X509Certificate(der);
    notBefore = Math.max(notBefore, Date.parse(cert.validFrom));
    notAfter = Math.min(notAfter, Date.parse(cert.validTo));
  }
  return { notBefore, notAfter };
}

/**
 * Validate the peer's chain on a completed handshake (path to the bundle, validity, exactly one URI SAN, leaf
 * rules, usage) and return its identity. Throws ERR_SIDECAR_PEER_IDENTITY with citadel's reason as cause.
 */
export function peerIdentity(
  socket: TLSSocket,
  bundle: BundleView,
  usage: 'client' | 'server',
  now: number = Date.now(),
): PeerIdentity {
  // Not getPeerX509Certificate(): once it has been called, Node 20's getPeerCertificate(true) returns the
  // leaf alone, without the chain the validator needs.
  const fingerprint = socket.getPeerCertificate(false)?.fingerprint256;
  let cache = verdicts.get(bundle);
  const key = fingerprint ? `${usage} ${fingerprint}` : undefined;
  const known = key === undefined ? undefined : cache?.get(key);
  if (known !== undefined && now >= known.notBefore && now <= known.notAfter) return known.identity;
  const chain = peerChainDer(socket.getPeerCertificate(true));
  let id: SpiffeId;
  try {
    if (chain.length === 0) throw new Error('peer presented no certificate');
    id = validateX509Svid(chain, bundle, { usage, now });
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
  const identity = fromSpiffeId(id);
  if (cache === undefined) {
    cache = new Map();
    verdicts.set(bundle, cache);
  }
  if (key !== undefined) {
    if (cache.size >= MAX_VERDICTS) cache.delete(cache.keys().next().value as string);
    cache.set(key, { identity, ...validityWindow(chain) });
  }
  return identity;
}
