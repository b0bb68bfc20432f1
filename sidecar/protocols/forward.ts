/**
 * @module The interface every app forwarder implements, and the header rules they share. Protocols layer:
 * hop-by-hop headers never cross the proxy, and the mesh's own headers from the peer are replaced.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { connectionNominated, HOP_BY_HOP } from '../hop-by-hop.js';

export type InboundRequest = IncomingMessage | Http2ServerRequest;
export type InboundResponse = ServerResponse | Http2ServerResponse;

/** How a forwarded exchange ended: the status the caller saw, or why it failed before a response. */
export type ForwardResult = { status: number; failure?: undefined } | { status: 0; failure: string };

/** Sends an authorized request to the local application and streams the answer back. */
export interface AppForwarder {
  forward(
    req: InboundRequest,
    res: InboundResponse,
    xfcc: string,
    requestId: string,
    /** Headers the sidecar adds to the app's response (quota's RateLimit headers); usually empty. */
    responseHeaders: Readonly<Record<string, string>>,
    done: (result: ForwardResult) => void,
  ): void;
  close(): Promise<void>;
}

/** Copy request headers for the app, dropping hop-by-hop ones and those named in `Connection`. */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  xfcc: string,
  requestId: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const extra = connectionNominated(incoming);
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || name.charCodeAt(0) === 58 /* ':' */) continue;
    if (extra?.has(name)) continue;
    const value = incoming[name];
    if (value !== undefined) out[name] = value;
  }
  if (xfcc !== '') out['x-forwarded-client-cert'] = xfcc;
  out['x-request-id'] = requestId;
  return out;
}

/** Response headers from the app to the caller, without hop-by-hop ones (HTTP/2 forbids them). */
export function downstreamResponseHeaders(
  incoming: IncomingHttpHeaders,
  requestId: string,
  added: Readonly<Record<string, string>>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    if (name === 'x-request-id' || (HOP_BY_HOP.has(name) && name !== 'trailer') || name.charCodeAt(0) === 58)
      continue;
    if (name === 'trailer') continue;
    const value = incoming[name];
    if (value !== undefined) out[name] = value;
  }
  for (const name in added) out[name] = added[name] as string;
  out['x-request-id'] = requestId;
  return out;
}
