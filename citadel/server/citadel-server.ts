/**
 * @module Starts citadel's gRPC server: a TLS listener with a serving SVID from the CA itself (client
 * certificates requested, validated by citadel's own validator for clear reasons), HTTP/2 handed to grpc-js,
 * and a maintenance loop that follows CLI rotations (reload state, renew the serving SVID, push the bundle).
 */
import { watch } from 'node:fs';
import { isIP } from 'node:net';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import { createLogger, type Logger } from '../../lib/logger.js';
import { CertificateAuthority } from '../authority.js';
import type { TrustBundle } from '../bundle.js';
import { Certificate } from '../certificate.js';
import { type Clock, systemClock } from '../clock.js';
import { CitadelError, isCitadelError } from '../errors.js';
import { initCa } from '../rotation.js';
import { withCaLock } from '../state/ca-lock.js';
import { caExists, caPaths } from '../state/ca-store.js';
import { meshSecureContextOptions, peerChainDer, type Svid } from '../tls-options.js';
import { validateX509Svid } from '../validator.js';
import { createCitadelMetrics } from './metrics.js';
import { citadelService } from './proto.js';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitSettings } from './rate-limiter.js';
import { createHandlers, type PeerAuth } from './service.js';

export const DEFAULT_LISTEN = '127.0.0.1:15012';

export interface CitadelServerOptions {
  stateDir: string;
  /** `host:port`; port 0 picks a free one. Default 127.0.0.1:15012. */
  listen?: string;
  /** Create the CA first when the state directory has none (for `palisade up` and tests). */
  initIfAbsent?: { trustDomain: string };
  rateLimits?: Partial<RateLimitSettings>;
  clock?: Clock;
  logger?: Logger;
  /** How often to re-check state and the serving SVID besides file-change events (ms, default 5000). */
  maintenanceIntervalMs?: number;
}

/** A running citadel. */
export interface CitadelServer {
  /** `host:port` clients dial. */
  readonly address: string;
  readonly port: number;
  readonly trustDomain: string;
  readonly authority: CertificateAuthority;
  /** prom-client registry with citadel's metrics. */
  readonly metrics: Registry;
  /** The current trust bundle. */
  bundle(): TrustBundle;
  /** Subscribe to bundle changes; returns the unsubscribe function. */
  onBundleChange(listener: (bundle: TrustBundle) => void): () => void;
  /** Re-read the state directory now (the maintenance loop also does this on file changes). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) {
    throw new CitadelError(
      'ERR_CITADEL_INVALID_ARGUMENT',
      `invalid listen address "${listen}" (expected host:port)`,
    );
  }
  return { host: (m[1] ?? m[2]) as string, port };
}

function ipBytes(host: string): Buffer[] {
  if (isIP(host) === 4) return [Buffer.from(host.split('.').map(Number))];
  return host === 'localhost' ? [Buffer.from([127, 0, 0, 1])] : [];
}

/** SANs of citadel's serving certificate besides its SPIFFE ID, so ordinary TLS tools can reach it. */
function servingSans(host: string): { dnsNames: string[]; ipAddresses: Buffer[] } {
  return {
    dnsNames: ['localhost', ...(isIP(host) === 0 && host !== 'localhost' ? [host] : [])],
    ipAddresses: ipBytes(host),
  };
}

/** Start citadel's gRPC server over TLS. */
export async function startCitadelServer(options: CitadelServerOptions): Promise<CitadelServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ name: 'citadel', level: 'info' });
  const { host, port } = parseListen(options.listen ?? DEFAULT_LISTEN);
  if (options.initIfAbsent && !(await caExists(options.stateDir))) {
    await initCa({
      stateDir: options.stateDir,
      trustDomain: options.initIfAbsent.trustDomain,
      clock,
      logger,
    });
  }
  // Startup writes (ledger compaction, the serving certificate's journal line) wait for, and block, any
  // rotation in progress; afterwards the lock is free, so operators rotate while the server runs.
  const { authority, firstServing } = await withCaLock(
    options.stateDir,
    'citadel serve (startup)',
    async () => {
      const ca = await CertificateAuthority.open(options.stateDir, {
        clock,
        logger,
        compactTokenLedger: true,
      });
      return { authority: ca, firstServing: await ca.issueServingSvid(servingSans(host)) };
    },
  );
  const metrics = createCitadelMetrics();
  metrics.bundleSequence.set(authority.bundle.sequence);
  const limiter = new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, clock);
  const sans = servingSans(host);
  let serving: Svid = firstServing;

  // --- per-connection client certificate results ---
  const connections = new Map<string, { chain: Buffer[]; sequence: number; auth: PeerAuth }>();
  const judge = (chain: Buffer[]): PeerAuth => {
    if (chain.length === 0) return { kind: 'none' };
    try {
      const certs = chain.map((der) => Certificate.fromDer(der));
      const id = validateX509Svid(certs, authority.bundle, { clock, usage: 'client' });
      return { kind: 'svid', id, validUntil: Math.min(...certs.map((c) => c.notAfter.getTime())) };
    } catch (err) {
      return {
        kind: 'rejected',
        error: isCitadelError(err) ? err : new CitadelError('ERR_CITADEL_UNAUTHENTICATED', String(err)),
      };
    }
  };
  const peerAuth = (peer: string): PeerAuth => {
    const rec = connections.get(peer);
    if (rec === undefined) return { kind: 'none' };
    if (rec.sequence !== authority.bundle.sequence) {
      rec.auth = judge(rec.chain);
      rec.sequence = authority.bundle.sequence;
    }
    return rec.auth;
  };

  const grpcServer = new grpc.Server();
  grpcServer.addService(
    citadelService().service,
    createHandlers({ authority, limiter, metrics, logger, peerAuth }),
  );
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const contextOptions = (): tls.SecureContextOptions => ({
    ...meshSecureContextOptions(serving, authority.bundle),
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.3',
  });
  const tlsServer = tls.createServer({
    ...contextOptions(),
    // Many small HTTP/2 frames share each connection: without this, Nagle's algorithm holds responses back
    // until the client's delayed ACK (tens of ms), capping issuance far below what the CPU can do.
    noDelay: true,
    ALPNProtocols: ['h2'],
    requestCert: true,
    // Client certificates are judged by citadel's validator, which gives the caller a precise reason.
    rejectUnauthorized: false,
  });
  tlsServer.on('secureConnection', (socket) => {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    const chain = peerChainDer(socket.getPeerCertificate(true));
    connections.set(key, { chain, sequence: authority.bundle.sequence, auth: judge(chain) });
    socket.once('close', () => connections.delete(key));
    injector.injectConnection(socket);
  });
  tlsServer.on('tlsClientError', (err) => logger.debug({ err: err.message }, 'TLS handshake failed'));
  await new Promise<void>((resolve, reject) => {
    tlsServer.once('error', reject);
    tlsServer.listen(port, host, () => {
      tlsServer.off('error', reject);
      resolve();
    });
  });
  const boundPort = (tlsServer.address() as { port: number }).port;
  const address = `${host.includes(':') ? `[${host}]` : host}:${boundPort}`;

  // --- maintenance: follow rotations, renew the serving SVID ---
  const refreshServing = async (force: boolean): Promise<void> => {
    const leaf = serving.chain[0]!;
    const { intermediate } = authority.servingHierarchy();
    const halfLife = leaf.notBefore.getTime() + (leaf.notAfter.getTime() - leaf.notBefore.getTime()) / 2;
    if (!force && clock.now() < halfLife && serving.chain[1]?.der.equals(intermediate.cert.der)) return;
    serving = await authority.issueServingSvid(sans);
    tlsServer.setSecureContext(contextOptions());
    logger.info({ serial: serving.chain[0]?.serial }, 'serving certificate renewed');
  };
  let busy: Promise<void> = Promise.resolve();
  const maintain = (): Promise<void> => {
    busy = busy
      .then(async () => {
        const result = await authority.reload({
          beforeBundlePublished: (changed) => refreshServing(changed),
        });
        if (result.error !== undefined) {
          logger.error(
            { err: (result.error as Error).message },
            'CA state changed but failed its checks; still serving the last good state',
          );
          return;
        }
        metrics.bundleSequence.set(authority.bundle.sequence);
      })
      .catch((err: unknown) => logger.error({ err }, 'citadel maintenance failed'));
    return busy;
  };
  let debounce: NodeJS.Timeout | undefined;
  // React to commits only: ca.json is renamed into place last by every CA change (journal appends are not).
  const watcher = watch(caPaths(options.stateDir).dir, (_event, filename) => {
    if (filename !== null && filename !== 'ca.json') return;
    clearTimeout(debounce);
    debounce = setTimeout(() => void maintain(), 50);
  });
  watcher.on('error', (err) =>
    logger.warn({ err: err.message }, 'cannot watch the CA directory; relying on polling'),
  );
  const timer = setInterval(() => void maintain(), options.maintenanceIntervalMs ?? 5000);
  timer.unref();
  logger.info(
    { address, trustDomain: authority.trustDomain, bundleSequence: authority.bundle.sequence },
    'citadel serving',
  );

  let closed = false;
  return {
    address,
    port: boundPort,
    trustDomain: authority.trustDomain,
    authority,
    metrics: metrics.registry,
    bundle: () => authority.bundle,
    onBundleChange: (listener) => authority.onBundleChange(listener),
    reload: maintain,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      clearTimeout(debounce);
      watcher.close();
      await busy;
      await new Promise<void>((resolve) => {
        tlsServer.close(() => resolve());
        injector.destroy();
        grpcServer.forceShutdown();
      });
    },
  };
}
