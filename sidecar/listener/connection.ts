/**
 * @module Per-connection facts established once at accept time (peer identity, TLS parameters, the
 * x-forwarded-client-cert value) and read by every request on that connection. Listener layer.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { InputConnection, InputSource } from '../authz/input.js';
import { sourceOf } from '../authz/input.js';
import type { PeerIdentity } from '../tls/peer-identity.js';

/** What a request needs to know about the connection it arrived on. */
export interface ConnectionState {
  readonly source: InputSource;
  readonly connection: InputConnection;
  /** The `x-forwarded-client-cert` value to add (Envoy format), empty for plaintext. */
  readonly xfcc: string;
}

// A module-private symbol rather than a WeakMap: HTTP/2 hands requests a proxy of the socket, and property
// reads pass through that proxy to the real socket, while WeakMap lookups by the proxy would miss.
const kState = Symbol('palisade.connection');

export function setConnectionState(socket: Socket, state: ConnectionState): void {
  (socket as unknown as Record<symbol, ConnectionState>)[kState] = state;
}

export function getConnectionState(socket: Socket | undefined | null): ConnectionState | undefined {
  return socket ? (socket as unknown as Record<symbol, ConnectionState | undefined>)[kState] : undefined;
}

/** State for an authenticated mTLS connection. */
export function mtlsState(
  socket: TLSSocket,
  peer: PeerIdentity,
  selfId: string,
  remote?: { address: string; port: number },
): ConnectionState {
  const leaf = socket.getPeerX509Certificate();
  const hash = leaf ? leaf.fingerprint256.replace(/:/g, '').toLowerCase() : '';
  return {
    source: sourceOf(
      peer,
      remote?.address ?? socket.remoteAddress ?? '',
      remote?.port ?? socket.remotePort ?? 0,
    ),
    connection: {
      tls_version: socket.getProtocol() ?? '',
      alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : '',
    },
    xfcc: `By=${selfId};Hash=${hash};URI=${peer.principal}`,
  };
}

/** State for a plaintext connection accepted on a PERMISSIVE port: unauthenticated. */
export function plaintextState(socket: Socket, alpn: string): ConnectionState {
  return {
    source: sourceOf(undefined, socket.remoteAddress ?? '', socket.remotePort ?? 0),
    connection: { tls_version: 'none', alpn },
    xfcc: '',
  };
}
