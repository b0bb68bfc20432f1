/**
 * @module The gRPC handlers of `palisade.citadel.v1.Citadel`: authenticate (join token or current SVID),
 * rate-limit per caller, issue through the authority, and map every failure to a status code in one place.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger.js';
import type { CertificateAuthority } from '../authority.js';
import type { TrustBundle } from '../bundle.js';
import { CitadelError, isCitadelError } from '../errors.js';
import { emitIdentityEvent } from '../identity-events.js';
import type { SpiffeId } from '../spiffe-id.js';
import type { CitadelMetrics } from './metrics.js';
import type {
  CreateCertificateRequestMessage,
  CreateCertificateResponseMessage,
  TrustBundleMessage,
} from './proto.js';
import type { RateLimiter } from './rate-limiter.js';

/** What the TLS layer learned about a connection's client certificate. */
export type PeerAuth =
  | { kind: 'none' }
  | { kind: 'svid'; id: SpiffeId; validUntil: number }
  | { kind: 'rejected'; error: CitadelError };

export interface ServiceDeps {
  authority: CertificateAuthority;
  limiter: RateLimiter;
  metrics: CitadelMetrics;
  logger: Logger;
  /**
   * Client-certificate result of the connection a call arrived on (keyed by `call.getPeer()`), re-validated
   * by the server when the trust bundle has changed since the handshake.
   */
  peerAuth(peer: string): PeerAuth;
}

/** The one mapping from citadel error codes to gRPC status codes. */
export function grpcStatusFor(err: unknown): grpc.status {
  if (!isCitadelError(err)) return grpc.status.INTERNAL;
  switch (err.code) {
    case 'ERR_CITADEL_CSR_INVALID':
    case 'ERR_CITADEL_INVALID_ARGUMENT':
    case 'ERR_CITADEL_SPIFFE_ID':
    case 'ERR_CITADEL_KEY_TYPE':
      return grpc.status.INVALID_ARGUMENT;
    case 'ERR_CITADEL_TOKEN_INVALID':
    case 'ERR_CITADEL_TOKEN_REPLAYED':
    case 'ERR_CITADEL_UNAUTHENTICATED':
    case 'ERR_CITADEL_SVID_EXPIRED':
    case 'ERR_CITADEL_SVID_NOT_YET_VALID':
    case 'ERR_CITADEL_SVID_UNTRUSTED':
    case 'ERR_CITADEL_SVID_URI_SAN':
    case 'ERR_CITADEL_SVID_FOREIGN_TRUST_DOMAIN':
    case 'ERR_CITADEL_SVID_INVALID':
      return grpc.status.UNAUTHENTICATED;
    case 'ERR_CITADEL_PERMISSION_DENIED':
      return grpc.status.PERMISSION_DENIED;
    default:
      return grpc.status.INTERNAL;
  }
}

// A bundle is immutable, so its wire form is built once, not on every response.
const bundleMessages = new WeakMap<TrustBundle, TrustBundleMessage>();

/** Bundle as its wire message. */
export function bundleMessage(bundle: TrustBundle): TrustBundleMessage {
  const cached = bundleMessages.get(bundle);
  if (cached !== undefined) return cached;
  const msg: TrustBundleMessage = {
    trust_domain: bundle.trustDomain,
    root_certificates: bundle.roots.map((r) => r.toPem()),
    sequence: bundle.sequence,
    refresh_hint_seconds: bundle.refreshHintSeconds,
    spiffe_bundle_json: JSON.stringify(bundle.toSpiffeBundle()),
  };
  bundleMessages.set(bundle, msg);
  return msg;
}

function bearerToken(metadata: grpc.Metadata): string | undefined | null {
  const values = metadata.get('authorization');
  if (values.length === 0) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(String(values[0]));
  return m ? (m[1] as string) : null;
}

/** Rate-limit key: the authenticated SVID, else the (unverified) token subject, else the peer address. */
function callerKey(auth: PeerAuth, token: string | undefined | null, peer: string): string {
  if (auth.kind === 'svid') return auth.id.toString();
  if (token) {
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        sub?: unknown;
      };
      if (typeof payload.sub === 'string') return `token:${payload.sub}`;
    } catch {
      // fall through to the address
    }
  }
  return `addr:${peer.replace(/:\d+$/, '')}`;
}

export function createHandlers(deps: ServiceDeps): grpc.UntypedServiceImplementation {
  const { authority, limiter, metrics, logger } = deps;

  const createCertificate: grpc.handleUnaryCall<
    CreateCertificateRequestMessage,
    CreateCertificateResponseMessage
  > = (call, callback) => {
    const started = process.hrtime.bigint();
    const peer = call.getPeer();
    const auth = deps.peerAuth(peer);
    const token = bearerToken(call.metadata);
    const caller = callerKey(auth, token, peer);
    const fail = (err: unknown): void => {
      const code = grpcStatusFor(err);
      metrics.requests.inc({ method: 'CreateCertificate', code: grpc.status[code] });
      const message = isCitadelError(err) && code !== grpc.status.INTERNAL ? err.message : 'internal error';
      if (code === grpc.status.INTERNAL) logger.error({ err, caller }, 'CreateCertificate failed');
      emitIdentityEvent(
        {
          type: 'svid.denied',
          requester: caller,
          code: isCitadelError(err) ? err.code : 'ERR_INTERNAL',
          reason: message,
        },
        code === grpc.status.RESOURCE_EXHAUSTED ? undefined : logger,
      );
      callback({ code, details: message });
    };
    const admission = limiter.admit(caller);
    if (!admission.ok) {
      metrics.rateLimited.inc({ reason: admission.reason });
      const md = new grpc.Metadata();
      md.set('retry-after-ms', String(admission.retryAfterMs));
      metrics.requests.inc({ method: 'CreateCertificate', code: 'RESOURCE_EXHAUSTED' });
      callback({
        code: grpc.status.RESOURCE_EXHAUSTED,
        details: `rate limited (${admission.reason === 'caller' ? 'per-caller limit' : 'server busy'}); retry after ${admission.retryAfterMs} ms`,
        metadata: md,
      });
      return;
    }
    const run = async (): Promise<CreateCertificateResponseMessage> => {
      const req = call.request;
      const ttlMs = req.validity_seconds > 0 ? req.validity_seconds * 1000 : undefined;
      if (token === null) {
        throw new CitadelError(
          'ERR_CITADEL_UNAUTHENTICATED',
          'authorization metadata must be "Bearer <join token>"',
        );
      }
      let via: 'join-token' | 'renewal';
      let issued: Awaited<ReturnType<CertificateAuthority['issue']>>;
      if (token !== undefined) {
        const verified = await authority.verifyJoinToken(token);
        via = 'join-token';
        issued = await authority.issue({
          csr: req.csr_pem,
          ttlMs,
          requester: `join-token:${verified.jti}`,
          via,
          requireSpiffeId: verified.spiffeId,
          beforeSign: () => authority.consumeJoinToken(verified),
        });
      } else {
        const current = currentPeerAuth(auth, authority);
        via = 'renewal';
        issued = await authority.issue({
          csr: req.csr_pem,
          ttlMs,
          requester: current.toString(),
          via,
          requireSpiffeId: current,
        });
      }
      metrics.issued.inc({ via });
      metrics.issuanceSeconds.observe({ via }, Number(process.hrtime.bigint() - started) / 1e9);
      return { cert_chain: issued.chain.map((c) => c.toPem()), trust_bundle: bundleMessage(issued.bundle) };
    };
    run().then(
      (res) => {
        admission.release();
        metrics.requests.inc({ method: 'CreateCertificate', code: 'OK' });
        callback(null, res);
      },
      (err: unknown) => {
        admission.release();
        fail(err);
      },
    );
  };

  const watchTrustBundle: grpc.handleServerStreamingCall<unknown, TrustBundleMessage> = (call) => {
    metrics.bundleWatchers.inc();
    let last = -1;
    const send = (bundle: TrustBundle): void => {
      if (bundle.sequence <= last || call.cancelled) return;
      last = bundle.sequence;
      call.write(bundleMessage(bundle));
    };
    const off = authority.onBundleChange(send);
    const done = (): void => {
      off();
      metrics.bundleWatchers.dec();
    };
    call.once('cancelled', done);
    call.once('close', () => {
      if (!call.cancelled) done();
    });
    metrics.requests.inc({ method: 'WatchTrustBundle', code: 'OK' });
    send(authority.bundle);
  };

  return { CreateCertificate: createCertificate, WatchTrustBundle: watchTrustBundle };
}

/** The caller's current SVID identity, re-checked for expiry and bundle changes since the handshake. */
function currentPeerAuth(auth: PeerAuth, authority: CertificateAuthority): SpiffeId {
  if (auth.kind === 'rejected') {
    throw new CitadelError(
      'ERR_CITADEL_UNAUTHENTICATED',
      `client certificate not accepted: ${auth.error.message}`,
      {
        cause: auth.error,
      },
    );
  }
  if (auth.kind === 'none') {
    throw new CitadelError(
      'ERR_CITADEL_UNAUTHENTICATED',
      'no credentials: send a join token ("authorization: Bearer <token>") or present your current SVID as client certificate',
    );
  }
  if (authority.clock.now() > auth.validUntil) {
    throw new CitadelError(
      'ERR_CITADEL_UNAUTHENTICATED',
      'client certificate expired during the connection; reconnect with a valid SVID',
    );
  }
  return auth.id;
}
