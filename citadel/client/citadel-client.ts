/**
 * @module The workload side of citadel's gRPC API: `createCertificate` (join token or current-SVID mTLS)
 * and `watchTrustBundle` (a stream that reconnects with jittered exponential backoff). Citadel's serving
 * certificate is verified as an X.509-SVID of the trust bundle with ID `spiffe://<td>/palisade/citadel`.
 */
import * as grpc from '@grpc/grpc-js';
import { citadelServerId } from '../authority.js';
import { TrustBundle } from '../bundle.js';
import { Certificate } from '../certificate.js';
import type { Clock } from '../clock.js';
import { CitadelError } from '../errors.js';
import { privateKeyToPem } from '../keys.js';
import type { CreateCertificateResponseMessage, TrustBundleMessage } from '../server/proto.js';
import { citadelService } from '../server/proto.js';
import type { SpiffeId } from '../spiffe-id.js';
import { type PeerIdMatcher, type Svid, serverIdentityError } from '../tls-options.js';

/** A failed call: `grpcCode` is the gRPC status (e.g. 16 UNAUTHENTICATED, 8 RESOURCE_EXHAUSTED). */
export class CitadelRpcError extends CitadelError {
  readonly grpcCode: grpc.status;
  readonly retryAfterMs: number | undefined;

  constructor(address: string, err: grpc.ServiceError) {
    super(
      'ERR_CITADEL_RPC',
      `citadel at ${address}: ${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`,
      {
        cause: err,
      },
    );
    this.grpcCode = err.code;
    const retry = err.metadata?.get('retry-after-ms')[0];
    this.retryAfterMs = retry === undefined ? undefined : Number(retry);
  }
}

export interface CitadelClientOptions {
  /** `host:port` of citadel. */
  address: string;
  /** Roots to verify citadel with (updated automatically by `watchTrustBundle`). */
  bundle: TrustBundle;
  /** Present this SVID as TLS client certificate (renewal). */
  svid?: Svid;
  /** Expected server identity; default `spiffe://<td>/palisade/citadel`. */
  serverId?: PeerIdMatcher;
  clock?: Clock;
}

export interface CreateCertificateOptions {
  csrPem: string;
  /** Requested lifetime in seconds (0/absent: the CA default; clamped to the CA maximum). */
  validitySeconds?: number;
  /** First issuance: a join token sent as `authorization: Bearer`. */
  joinToken?: string;
  /** Per-call deadline, default 10 s. */
  timeoutMs?: number;
}

export interface IssuedChain {
  chain: Certificate[];
  bundle: TrustBundle;
}

export interface BundleWatch {
  close(): void;
}

type CitadelStub = grpc.Client & {
  CreateCertificate(
    req: object,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: CreateCertificateResponseMessage) => void,
  ): grpc.ClientUnaryCall;
  WatchTrustBundle(req: object, md: grpc.Metadata): grpc.ClientReadableStream<TrustBundleMessage>;
};

/** Parse a bundle message from the wire, checking it belongs to the expected trust domain. */
export function bundleFromMessage(
  msg: TrustBundleMessage,
  trustDomain: string,
  source: string,
  current?: TrustBundle,
): TrustBundle {
  // The common case: the bundle has not changed since the last response; skip re-parsing its roots.
  if (
    current !== undefined &&
    msg.trust_domain === current.trustDomain &&
    msg.sequence === current.sequence &&
    msg.root_certificates.length === current.roots.length &&
    msg.root_certificates.every((pem, i) => pem === current.roots[i]?.toPem())
  ) {
    return current;
  }
  if (msg.trust_domain !== trustDomain) {
    throw new CitadelError(
      'ERR_CITADEL_BUNDLE_INVALID',
      `${source}: bundle is for "${msg.trust_domain}", expected "${trustDomain}"`,
    );
  }
  const bundle = TrustBundle.fromPem(msg.root_certificates.join(''), trustDomain, source, msg.sequence);
  return new TrustBundle({
    trustDomain,
    roots: bundle.roots,
    sequence: msg.sequence,
    refreshHintSeconds: msg.refresh_hint_seconds || undefined,
  });
}

export class CitadelClient {
  readonly address: string;
  #bundle: TrustBundle;
  readonly #svid: Svid | undefined;
  readonly #serverId: PeerIdMatcher;
  readonly #clock: Clock | undefined;
  #stub: CitadelStub;
  #closed = false;
  readonly #issuers = new Map<string, Certificate[]>();

  constructor(options: CitadelClientOptions) {
    this.address = options.address;
    this.#bundle = options.bundle;
    this.#svid = options.svid;
    this.#serverId = options.serverId ?? citadelServerId(options.bundle.trustDomain);
    this.#clock = options.clock;
    this.#stub = this.#connect();
  }

  get bundle(): TrustBundle {
    return this.#bundle;
  }

  #connect(): CitadelStub {
    const bundle = this.#bundle;
    const creds = grpc.credentials.createSsl(
      Buffer.from(bundle.toPem()),
      this.#svid ? Buffer.from(privateKeyToPem(this.#svid.key)) : null,
      this.#svid ? Buffer.from(this.#svid.chain.map((c) => c.toPem()).join('')) : null,
      {
        checkServerIdentity: (_host, cert) => serverIdentityError(cert, bundle, this.#serverId, this.#clock),
      },
    );
    const Ctor = citadelService();
    // SNI must be a DNS name (not the dialled IP); the server is checked by SPIFFE ID, not by this name.
    return new Ctor(this.address, creds, {
      'grpc.enable_retries': 0,
      'grpc.ssl_target_name_override': 'citadel',
      'grpc.default_authority': 'citadel',
    }) as unknown as CitadelStub;
  }

  /** Trust a newer bundle (from a watch or a response); reconnects only when the roots changed. */
  updateBundle(bundle: TrustBundle): void {
    if (bundle === this.#bundle || bundle.sequence < this.#bundle.sequence) return;
    const sameRoots = bundle.toPem() === this.#bundle.toPem();
    this.#bundle = bundle;
    if (sameRoots) return;
    const old = this.#stub;
    this.#stub = this.#connect();
    old.close();
  }

  /**
   * The issuing certificates in a response are the same from one renewal to the next (until a rotation):
   * parse each distinct PEM once. Certificates are immutable, so sharing the parsed object is safe.
   */
  #issuerCert(pem: string, index: number): Certificate[] {
    let certs = this.#issuers.get(pem);
    if (certs === undefined) {
      certs = Certificate.fromPem(pem, `response cert_chain[${index}]`);
      if (this.#issuers.size >= 8) this.#issuers.clear();
      this.#issuers.set(pem, certs);
    }
    return certs;
  }

  /** Ask citadel for an SVID. @throws CitadelRpcError (`ERR_CITADEL_RPC`) carrying the gRPC status. */
  createCertificate(options: CreateCertificateOptions): Promise<IssuedChain> {
    const md = new grpc.Metadata();
    if (options.joinToken !== undefined) md.set('authorization', `Bearer ${options.joinToken}`);
    const deadline = new Date(Date.now() + (options.timeoutMs ?? 10_000));
    return new Promise((resolve, reject) => {
      this.#stub.CreateCertificate(
        { csr_pem: options.csrPem, validity_seconds: options.validitySeconds ?? 0 },
        md,
        { deadline },
        (err, res) => {
          if (err || res === undefined) {
            reject(
              err
                ? new CitadelRpcError(this.address, err)
                : new CitadelError('ERR_CITADEL_RPC', 'empty response'),
            );
            return;
          }
          try {
            const chain = res.cert_chain.flatMap((pem, i) =>
              i === 0 ? Certificate.fromPem(pem, 'response cert_chain[0]') : this.#issuerCert(pem, i),
            );
            const bundle = bundleFromMessage(
              res.trust_bundle,
              this.#bundle.trustDomain,
              'response trust_bundle',
              this.#bundle,
            );
            this.updateBundle(bundle);
            resolve({ chain, bundle });
          } catch (e) {
            reject(e);
          }
        },
      );
    });
  }

  /**
   * Follow the trust bundle: `onBundle` gets the current bundle and every newer one. The stream reconnects
   * after failures with jittered exponential backoff (`initialBackoffMs` doubling up to `maxBackoffMs`).
   * The client itself switches to each new bundle for later calls.
   */
  watchTrustBundle(
    onBundle: (bundle: TrustBundle) => void,
    options: { onError?: (err: Error) => void; initialBackoffMs?: number; maxBackoffMs?: number } = {},
  ): BundleWatch {
    const initial = options.initialBackoffMs ?? 250;
    const max = options.maxBackoffMs ?? 30_000;
    let backoff = initial;
    let stream: grpc.ClientReadableStream<TrustBundleMessage> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = (): void => {
      if (stopped || this.#closed) return;
      const delay = backoff / 2 + Math.random() * (backoff / 2);
      backoff = Math.min(max, backoff * 2);
      timer = setTimeout(open, delay);
    };
    const open = (): void => {
      if (stopped || this.#closed) return;
      const s = this.#stub.WatchTrustBundle({}, new grpc.Metadata());
      stream = s;
      let finished = false;
      const retry = (): void => {
        if (finished || stopped) return;
        finished = true;
        schedule();
      };
      s.on('data', (msg: TrustBundleMessage) => {
        try {
          const bundle = bundleFromMessage(
            msg,
            this.#bundle.trustDomain,
            `bundle stream from ${this.address}`,
            this.#bundle,
          );
          backoff = initial;
          if (bundle.sequence < this.#bundle.sequence) return;
          this.updateBundle(bundle);
          onBundle(bundle);
        } catch (err) {
          options.onError?.(err as Error);
        }
      });
      s.on('error', (err: grpc.ServiceError) => {
        if (stopped) return;
        options.onError?.(new CitadelRpcError(this.address, err));
        retry();
      });
      s.on('end', retry);
    };
    open();
    return {
      close: () => {
        stopped = true;
        clearTimeout(timer);
        stream?.cancel();
      },
    };
  }

  close(): void {
    this.#closed = true;
    this.#stub.close();
  }
}

/** The SPIFFE ID a client expects citadel to present for `trustDomain`. */
export function expectedCitadelId(trustDomain: string): SpiffeId {
  return citadelServerId(trustDomain);
}
