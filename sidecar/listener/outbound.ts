/**
 * @module One outbound listener: the application connects in plaintext on loopback, and the sidecar carries
 * the connection to the upstream's sidecar over mutual TLS with its own SVID, after checking that the server
 * is exactly the identity configured for that service (secure naming). Listener layer.
 *
 * The tunnel is a layer-4 pipe: authorization happens at the destination sidecar, which parses every request,
 * so the client side only has to prove who it is, check who it talks to, and move bytes — which keeps its
 * per-request cost near zero. A small pool of handshaken connections hides the TLS handshake from new
 * application connections; HTTP/2 from the application (gRPC) is detected by its preface and gets its own
 * connection negotiated as `h2`, so the upstream multiplexes it natively.
 */
import { createServer as createNetServer, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { Logger } from '../../lib/logger.js';
import type { SidecarMetrics } from '../admin/metrics.js';
import type { OutboundConfig } from '../config.js';
import { SecureNamingError, SidecarError } from '../errors.js';
import type { TlsContextStore } from '../tls/context-store.js';
import { peerIdentity } from '../tls/peer-identity.js';
import { detect } from './detect.js';
import type { RunningListener } from './inbound.js';

export interface OutboundListenerDeps {
  readonly config: OutboundConfig;
  readonly store: TlsContextStore;
  readonly trustDomain: string;
  readonly metrics: SidecarMetrics;
  readonly logger: Logger;
  readonly idleTimeoutMs: number;
}

type Alpn = 'http/1.1' | 'h2' | 'none';

/** Open and verify one mTLS connection to the upstream sidecar. */
export function dialUpstream(
  deps: OutboundListenerDeps,
  alpn: Alpn,
  done: (err: Error | undefined, socket: TLSSocket | undefined) => void,
): void {
  const { config } = deps;
  const socket = tlsConnect({
    host: config.address.host,
    port: config.address.port,
    secureContext: deps.store.clientContext,
    rejectUnauthorized: true,
    // SPIFFE identities are URIs, not DNS names: the server is checked against config.identity below.
    checkServerIdentity: () => undefined,
    ...(alpn === 'none' ? {} : { ALPNProtocols: [alpn] }),
  });
  const timer = setTimeout(
    () => socket.destroy(new Error(`connect timeout after ${config.connect_timeout}ms`)),
    config.connect_timeout,
  );
  let settled = false;
  const settle = (err: Error | undefined) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (err) {
      socket.destroy();
      done(err, undefined);
    } else done(undefined, socket);
  };
  socket.once('error', (err) =>
    settle(new SidecarError('ERR_SIDECAR_UPSTREAM', `${config.service}: ${err.message}`, { cause: err })),
  );
  socket.once('secureConnect', () => {
    let presented: string;
    try {
      presented = peerIdentity(socket, deps.store.bundle, 'server').principal;
    } catch (err) {
      settle(
        new SecureNamingError(config.identity, `an invalid SVID (${(err as Error).message})`, { cause: err }),
      );
      return;
    }
    if (presented !== config.identity) {
      settle(new SecureNamingError(config.identity, presented));
      return;
    }
    socket.setNoDelay(true);
    settle(undefined);
  });
}

/** Start the outbound listener for one upstream. */
export async function startOutboundListener(deps: OutboundListenerDeps): Promise<RunningListener> {
  const { config, metrics, logger } = deps;
  const isHttp = config.protocol === 'http';
  const warmAlpn: Alpn = isHttp ? 'http/1.1' : 'none';
  const pool: TLSSocket[] = [];
  let dialing = 0;
  let closed = false;
  const sockets = new Set<Socket>();

  function retire(this: TLSSocket): void {
    this.destroy();
  }
  function unpool(this: TLSSocket): void {
    const i = pool.indexOf(this);
    if (i !== -1) pool.splice(i, 1);
  }
  const refill = () => {
    while (!closed && pool.length + dialing < config.warm_connections) {
      dialing++;
      dialUpstream(deps, warmAlpn, (err, socket) => {
        dialing--;
        if (err || socket === undefined) {
          metrics.outbound.labels(config.service, resultOf(err)).inc();
          return; // the next application connection dials on demand and reports the error
        }
        if (closed) return void socket.destroy();
        socket.once('close', unpool);
        socket.once('error', unpool);
        // Nothing was asked on a warm connection, so anything arriving (an error answer from a server that
        // gave up on it, or its close) means it is no longer usable: it must not reach an application.
        socket.on('data', retire);
        socket.once('end', retire);
        socket.setTimeout(deps.idleTimeoutMs, () => socket.destroy());
        pool.push(socket);
      });
    }
  };
  // New SVID or bundle: warm connections were made with the old one; replace them.
  const unsubscribe = deps.store.onChange(() => {
    for (const s of pool.splice(0)) s.destroy();
    refill();
  });

  const take = (alpn: Alpn, done: (err: Error | undefined, s: TLSSocket | undefined) => void) => {
    if (alpn === warmAlpn) {
      const warm = pool.pop();
      if (warm !== undefined) {
        warm.pause();
        warm.removeListener('data', retire);
        warm.removeListener('end', retire);
        // Only the pool's own listeners: removing all 'close' listeners would also remove Node's, which frees
        // the connection's OpenSSL state on close (it would then wait for a GC).
        warm.removeListener('close', unpool);
        warm.removeListener('error', unpool);
        warm.setTimeout(0);
        refill();
        return done(undefined, warm);
      }
      refill();
    }
    dialUpstream(deps, alpn, done);
  };

  const splice = (app: Socket, alpn: Alpn) => {
    take(alpn, (err, up) => {
      if (err || up === undefined) {
        metrics.outbound.labels(config.service, resultOf(err)).inc();
        logger.warn(
          { service: config.service, expected: config.identity, err: err?.message },
          `outbound to ${config.service} failed`,
        );
        if (isHttp && app.writable) app.end(failureResponse(err));
        else app.destroy();
        return;
      }
      if (app.destroyed) {
        // The application gave up while the upstream connection was being made.
        up.destroy();
        return;
      }
      metrics.outbound.labels(config.service, 'ok').inc();
      sockets.add(up);
      up.once('close', () => sockets.delete(up));
      app.setTimeout(deps.idleTimeoutMs, () => app.destroy());
      app.pipe(up);
      up.pipe(app);
      app.resume();
      up.once('error', () => app.destroy());
      app.once('close', () => up.destroy());
      up.once('close', () => app.destroy());
    });
  };

  const server = createNetServer({ noDelay: true, pauseOnConnect: !isHttp }, (app) => {
    sockets.add(app);
    app.once('close', () => sockets.delete(app));
    // Handled from the start: the application may reset while its upstream is still being dialed, and an
    // unhandled 'error' would crash the sidecar. Its 'close' follows and ends the upstream side.
    app.on('error', () => app.destroy());
    if (!isHttp) return splice(app, 'none');
    // Clients speak first in HTTP: look at the preface to pick HTTP/2 (gRPC) or HTTP/1.1.
    detect(app, 30_000, (kind) => {
      if (kind === undefined) return void app.destroy();
      splice(app, kind === 'h2c' ? 'h2' : 'http/1.1');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new SidecarError(
          'ERR_SIDECAR_LISTEN',
          `outbound ${config.service}: cannot listen on ${config.bind}:${config.port}: ${err.message}`,
          { cause: err },
        ),
      ),
    );
    server.listen(config.port, config.bind, () => resolve());
  });
  refill();
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : config.port,
    async close() {
      closed = true;
      unsubscribe();
      for (const s of pool.splice(0)) s.destroy();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 500);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function resultOf(err: Error | undefined): string {
  return (err as { code?: string } | undefined)?.code === 'ERR_SIDECAR_SECURE_NAMING'
    ? 'secure_naming'
    : 'error';
}

/** The answer the application gets when its upstream cannot be reached safely. */
function failureResponse(err: Error | undefined): string {
  const naming = resultOf(err) === 'secure_naming';
  const body = JSON.stringify({
    error: naming ? 'bad_gateway' : 'unavailable',
    reason: err?.message ?? 'upstream unavailable',
  });
  const status = naming ? '502 Bad Gateway' : '503 Service Unavailable';
  return `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
