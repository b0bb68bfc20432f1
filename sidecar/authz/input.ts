/**
 * @module Builds the versioned policy input (docs/policy-input.md) for one request or connection. Authz
 * layer, on the hot path: plain object literals with a fixed shape, no validation (every field comes from
 * the proxy itself), credentials removed from headers unless the config lists them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connectionNominated, HOP_BY_HOP } from '../hop-by-hop.js';
import type { PeerIdentity } from '../tls/peer-identity.js';

/** Bumped on any incompatible change to the shape below; policies may check `input.version`. */
export const POLICY_INPUT_VERSION = 1;

export interface InputSource {
  /** Peer SPIFFE ID; empty string when the connection is not mutual TLS (PERMISSIVE plaintext). */
  principal: string;
  trust_domain: string;
  namespace: string;
  service_account: string;
  address: string;
  port: number;
  mtls: boolean;
}

export interface InputDestination {
  principal: string;
  service: string;
  port: number;
}

export interface InputConnection {
  /** `TLSv1.3`, `TLSv1.2`, or `none` for plaintext. */
  tls_version: string;
  /** Negotiated ALPN protocol (`h2`, `http/1.1`) or empty. */
  alpn: string;
}

export interface InputRequest {
  id: string;
  /** `http/1.1`, `h2`, `grpc` (HTTP/2 with a gRPC content type) or `tcp`. */
  protocol: 'http/1.1' | 'h2' | 'grpc' | 'tcp';
  method: string;
  /** Raw path without the query string. */
  path: string;
  /** Path split on `/`, percent-decoded, empty segments dropped: `/api/v1/` → `["api","v1"]`. */
  path_segments: string[];
  /** Query parameters, each a list of values in order. */
  query: Record<string, string[]>;
  host: string;
  /** Lowercased names; multiple values joined with `, `; credentials removed unless configured. */
  headers: Record<string, string>;
  /** For gRPC: `package.Service` and `Method` from the path. */
  grpc?: { service: string; method: string };
}

export interface InputTime {
  /** Milliseconds since the epoch when the decision was requested. */
  unix_ms: number;
}

/** The complete input document. */
export interface PolicyInput {
  version: number;
  source: InputSource;
  destination: InputDestination;
  request: InputRequest;
  connection: InputConnection;
  time: InputTime;
}

/** Headers that carry credentials; removed unless a policy's config asks for them. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Never shown to the policy: the hop-by-hop headers the app will not get either, and the mesh's own —
 * `x-request-id` from the peer is the peer's claim (the sidecar's own id is `request.id`, and the app gets
 * that one). `proxy-authorization` is a credential: it is shown only if the config asks for it.
 */
const HIDDEN_HEADERS: ReadonlySet<string> = new Set(
  [...HOP_BY_HOP].filter((h) => h !== 'proxy-authorization'),
);

const UNAUTHENTICATED: PeerIdentity = { principal: '', trustDomain: '', namespace: '', serviceAccount: '' };

/** Per-listener constants, computed once. */
export interface InputContext {
  readonly destination: InputDestination;
  /** Header names to drop: credentials not requested plus internal ones. */
  readonly dropHeaders: ReadonlySet<string>;
}

/** Precompute what every input of a listener shares. */
export function inputContext(destination: InputDestination, includeHeaders: readonly string[]): InputContext {
  const drop = new Set(HIDDEN_HEADERS);
  for (const h of CREDENTIAL_HEADERS) if (!includeHeaders.includes(h)) drop.add(h);
  return { destination, dropHeaders: drop };
}

/** Source block from a verified peer identity (or none for plaintext). */
export function sourceOf(peer: PeerIdentity | undefined, address: string, port: number): InputSource {
  const id = peer ?? UNAUTHENTICATED;
  return {
    principal: id.principal,
    trust_domain: id.trustDomain,
    namespace: id.namespace,
    service_account: id.serviceAccount,
    address,
    port,
    mtls: peer !== undefined,
  };
}

/** Input for an HTTP request. `url` is the request target (`/path?query`). */
export function httpInput(
  ctx: InputContext,
  source: InputSource,
  connection: InputConnection,
  requestId: string,
  protocol: 'http/1.1' | 'h2' | 'grpc',
  method: string,
  url: string,
  host: string,
  rawHeaders: IncomingHttpHeaders,
  now: number,
): PolicyInput {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const request: InputRequest = {
    id: requestId,
    protocol,
    method,
    path,
    path_segments: splitPath(path),
    query: q === -1 ? {} : parseQuery(url.slice(q + 1)),
    host,
    headers: filterHeaders(rawHeaders, ctx.dropHeaders),
  };
  if (protocol === 'grpc') {
    const segs = request.path_segments;
    request.grpc = { service: segs[0] ?? '', method: segs[1] ?? '' };
  }
  return {
    version: POLICY_INPUT_VERSION,
    source,
    destination: ctx.destination,
    request,
    connection,
    time: { unix_ms: now },
  };
}

/** Input for a TCP connection (connection-level authorization: no method, path or headers). */
export function tcpInput(
  ctx: InputContext,
  source: InputSource,
  connection: InputConnection,
  requestId: string,
  now: number,
): PolicyInput {
  return {
    version: POLICY_INPUT_VERSION,
    source,
    destination: ctx.destination,
    request: {
      id: requestId,
      protocol: 'tcp',
      method: '',
      path: '',
      path_segments: [],
      query: {},
      host: '',
      headers: {},
    },
    connection,
    time: { unix_ms: now },
  };
}

function filterHeaders(raw: IncomingHttpHeaders, drop: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  // Headers the caller's Connection header names are removed before the app sees them, so the policy must
  // not decide on them either.
  const nominated = connectionNominated(raw);
  for (const name in raw) {
    if (drop.has(name) || name.charCodeAt(0) === 58 /* ':' pseudo-header */) continue;
    if (nominated?.has(name)) continue;
    const value = raw[name];
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

function splitPath(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 47 /* / */) {
      if (i > start) out.push(decode(path.slice(start, i), false));
      start = i + 1;
    }
  }
  return out;
}

function parseQuery(query: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (query === '') return out;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq), true);
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1), true);
    const list = out[key];
    if (list === undefined) out[key] = [value];
    else list.push(value);
  }
  return out;
}

/**
 * Percent-decode, keeping malformed escapes as they are (a policy must still see something). `+` means a
 * space only in the query (form encoding), never in the path.
 */
function decode(text: string, plusIsSpace: boolean): string {
  const plus = plusIsSpace && text.indexOf('+') !== -1;
  if (text.indexOf('%') === -1 && !plus) return text;
  try {
    return decodeURIComponent(plus ? text.replace(/\+/g, ' ') : text);
  } catch {
    return text;
  }
}
