/**
 * @module One inbound mesh listener, wired bottom-up: accept → (PERMISSIVE: detect) → mutual TLS with the
 * live SVID and bundle → peer SPIFFE identity → HTTP/1.1, HTTP/2 (by ALPN) or TCP handler. Listener layer.
 */
import { createServer as createH1Server } from 'node:http';
import { createServer as createH2Server, type Http2Session, constants as h2 } from 'node:http2';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, TLSSocket } from 'node:tls';
import type { Logger } from '../../lib/logger.js';
import type { SidecarMetrics } from '../admin/metrics.js';
import type { InboundConfig, LimitsConfig } from '../config.js';
import { SidecarError } from '../errors.js';
import type { InboundRequest, InboundResponse } from '../protocols/forward.js';
import type { TlsContextStore } from '../tls/context-store.js';
import { peerIdentity } from '../tls/peer-identity.js';
import { type ConnectionState, mtlsState, plaintextState, setConnectionState } from './connection.js';
import { detect, replayStream } from './detect.js';

export interface InboundListenerDeps {
  readonly config: InboundConfig;
  readonly limits: LimitsConfig;
  readonly store: TlsContextStore;
  readonly trustDomain: string;
  readonly selfId: string;
  readonly metrics: SidecarMetrics;
  readonly logger: Logger;
  readonly label: string;
  /** For `http` listeners. */
  readonly onRequest?: (req: InboundRequest, res: InboundResponse) => void;
  /** For `tcp` listeners. */
  readonly onConnection?: (socket: Socket, state: ConnectionState) => void;
}

export interface RunningListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Start listening; resolves once the port is bound. */
export async function startInboundListener(deps: InboundListenerDeps): Promise<RunningListener> {
  const { config, limits, store, metrics, label } = deps;
  const isHttp = config.protocol === 'http';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  // --- protocol servers (never listen themselves; they are handed sockets) ---
  const h1 = isHttp
    ? createH1Server({
        maxHeaderSize: limits.max_header_bytes,
        headersTimeout: limits.headers_timeout,
        requestTimeout: limits.request_timeout,
        keepAliveTimeout: limits.idle_timeout,
        connectionsCheckingInterval: Math.max(100, Math.min(limits.headers_timeout, 1000)),
        requireHostHeader: false,
      })
    : undefined;
  const h2srv = isHttp
    ? createH2Server({
        maxSessionInvalidFrames: 100,
        maxSessionRejectedStreams: 100,
        settings: {
          maxConcurrentStreams: limits.h2_max_concurrent_streams,
          maxHeaderListSize: limits.max_header_bytes,
        },
        maxHeaderListPairs: 256,
      })
    : undefined;
  if (h1 && deps.onRequest) {
    // The HTTP server never listens itself (it is handed sockets), but its headers/request timeout checks
    // only start on 'listening': start them, so slow and stalled peers are cut off.
    h1.emit('listening');
    h1.on('request', deps.onRequest);
    h1.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      const status =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request';
      metrics.tlsFailures.labels(label, `http:${err.code ?? 'error'}`).inc();
      if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      }
      socket.destroy();
    });
  }
  let h2Socket: Socket | undefined;
  if (h2srv && deps.onRequest) {
    h2srv.on('request', deps.onRequest);
    h2srv.on('session', (session: Http2Session) => {
      const socket = h2Socket;
      guardResets(session, limits.h2_max_resets_per_second, () => {
        metrics.tlsFailures.labels(label, 'h2_reset_flood').inc();
        deps.logger.warn({ listener: label }, 'closing HTTP/2 connection: stream reset flood');
        // session.destroy() leaves a socket handed in through emit('connection') half-open: cut it.
        socket?.destroy();
      });
    });
    h2srv.on('stream', (stream) =>
      stream.setTimeout(limits.request_timeout, () => stream.close(h2.NGHTTP2_CANCEL)),
    );
    h2srv.setTimeout(limits.idle_timeout, (session?: unknown) =>
      (session as Http2Session | undefined)?.destroy?.(),
    );
  }

  const dispatch = (socket: Socket, state: ConnectionState, alpn: string) => {
    setConnectionState(socket, state);
    if (!isHttp) deps.onConnection?.(socket, state);
    else if (alpn === 'h2') {
      // The session is created synchronously inside emit; remember its socket for the flood guard.
      h2Socket = socket;
      h2srv?.emit('connection', socket);
      h2Socket = undefined;
    } else if (h1) {
      // Node's HTTP server starts its headers timeout when it is handed the connection, so a connection
      // opened ahead of time (the client sidecar keeps a few warm) would be answered 408 while still idle.
      // Hand it over on its first bytes; until then the idle timeout applies.
      onFirstBytes(socket, limits.idle_timeout, () => h1.emit('connection', socket));
    }
  };

  // --- mutual TLS ---
  const tlsServer = createTlsServer({
    ...store.serverOptions(config.tls_min_version),
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: limits.headers_timeout,
    ...(isHttp ? { ALPNProtocols: ['h2', 'http/1.1'] } : {}),
  });
  // PERMISSIVE ports build TLS sockets themselves (see detect.ts) and need the context object.
  let serverContext = createSecureContext(store.serverOptions(config.tls_min_version));
  const remoteOf = new WeakMap<TLSSocket, { address: string; port: number }>();
  const unsubscribe = store.onChange(() => {
    tlsServer.setSecureContext(store.serverOptions(config.tls_min_version));
    serverContext = createSecureContext(store.serverOptions(config.tls_min_version));
  });
  tlsServer.on('secureConnection', (socket: TLSSocket) => {
    track(socket);
    let state: ConnectionState;
    try {
      const remote = remoteOf.get(socket);
      const peer = peerIdentity(socket, store.bundle, 'client');
      state = mtlsState(socket, peer, deps.selfId, remote);
    } catch (err) {
      metrics.tlsFailures.labels(label, 'peer_identity').inc();
      deps.logger.warn(
        { listener: label, peer: socket.remoteAddress, err: (err as Error).message },
        'refused peer',
      );
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    dispatch(socket, state, typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : '');
  });
  tlsServer.on('tlsClientError', (err: Error, socket: TLSSocket) => {
    const reason = classifyTlsError(err);
    metrics.tlsFailures.labels(label, reason).inc();
    deps.logger.info(
      { listener: label, peer: socket.remoteAddress, reason },
      `TLS handshake refused: ${err.message}`,
    );
    // Node leaves the socket open once a 'tlsClientError' listener exists; a handshake that timed out
    // (a peer stalling mid-ClientHello) would otherwise hold its connection slot forever.
    socket.destroy();
  });

  // --- accept (and, for PERMISSIVE, detect) ---
  let front: NetServer;
  if (config.mtls === 'strict') {
    front = createNetServer({ noDelay: true }, (socket) => {
      track(socket);
      tlsServer.emit('connection', socket);
    });
  } else {
    front = createNetServer({ noDelay: true }, (socket) => {
      track(socket);
      detect(socket, limits.headers_timeout, (kind, first) => {
        if (kind === undefined || first === undefined) socket.destroy();
        else if (kind === 'tls') {
          const tlsSocket = new TLSSocket(replayStream(socket, first), {
            isServer: true,
            server: tlsServer,
            secureContext: serverContext,
            requestCert: true,
            rejectUnauthorized: true,
            ...(isHttp ? { ALPNProtocols: ['h2', 'http/1.1'] } : {}),
          });
          remoteOf.set(tlsSocket, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
          // A hand-made TLSSocket has no server handshake timeout: give it the same deadline.
          const handshake = setTimeout(() => {
            const err = Object.assign(new Error('TLS handshake timeout'), {
              code: 'ERR_TLS_HANDSHAKE_TIMEOUT',
            });
            tlsServer.emit('tlsClientError', err, tlsSocket);
          }, limits.headers_timeout);
          handshake.unref();
          tlsSocket.once('secure', () => clearTimeout(handshake));
          tlsSocket.once('close', () => clearTimeout(handshake));
          tlsSocket.on('error', (err) => tlsServer.emit('tlsClientError', err, tlsSocket));
          // A hand-made server TLSSocket reports completion as 'secure'; route it like the server's own.
          tlsSocket.once('secure', () => {
            if (!tlsSocket.destroyed) tlsServer.emit('secureConnection', tlsSocket);
          });
        } else
          dispatch(socket, plaintextState(socket, kind === 'h2c' ? 'h2c' : ''), kind === 'h2c' ? 'h2' : '');
        socket.resume();
      });
    });
  }
  front.maxConnections = limits.max_connections;
  await new Promise<void>((resolve, reject) => {
    front.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new SidecarError(
          'ERR_SIDECAR_LISTEN',
          `${label}: cannot listen on ${config.bind}:${config.port}: ${err.message}`,
          { cause: err },
        ),
      ),
    );
    front.listen(config.port, config.bind, () => resolve());
  });
  const address = front.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;

  return {
    port,
    async close() {
      unsubscribe();
      await new Promise<void>((resolve) => {
        // Give in-flight requests a moment, then cut what is left.
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 500);
        front.close(() => {
          clearTimeout(timer);
          resolve();
        });
        h1?.closeIdleConnections();
        h1?.close(() => undefined); // stops the timeout checks started above
        for (const s of sockets) if (!isHttp) s.destroy();
      });
    },
  };
}

/** Call `fn` once `socket` has bytes to read; destroy it if none come within `idleMs`. */
function onFirstBytes(socket: Socket, idleMs: number, fn: () => void): void {
  if (socket.readableLength > 0) {
    fn();
    return;
  }
  socket.setTimeout(idleMs, () => socket.destroy());
  const ready = () => {
    socket.removeListener('readable', ready);
    socket.setTimeout(0);
    fn();
  };
  socket.on('readable', ready);
}

/** Close an HTTP/2 session whose peer resets more than `limit` streams in a second (rapid reset). */
function guardResets(session: Http2Session, limit: number, onFlood: () => void): void {
  let windowStart = Date.now();
  let resets = 0;
  session.on('stream', (stream) => {
    stream.once('close', () => {
      if (stream.rstCode === h2.NGHTTP2_NO_ERROR) return;
      const now = Date.now();
      if (now - windowStart > 1000) {
        windowStart = now;
        resets = 0;
      }
      if (++resets > limit && !session.destroyed) {
        onFlood();
        session.goaway(h2.NGHTTP2_ENHANCE_YOUR_CALM);
        session.destroy();
      }
    });
  });
}

function classifyTlsError(err: Error): string {
  const m = err.message.toLowerCase();
  if (m.includes('http request') || m.includes('wrong version number') || m.includes('unsupported protocol'))
    return 'plaintext_or_bad_version';
  if (m.includes('certificate') || m.includes('unknown ca') || m.includes('peer did not return'))
    return 'bad_client_certificate';
  if (m.includes('timeout') || m.includes('timed out')) return 'handshake_timeout';
  return 'handshake_error';
}
