/**
 * @module Forwards authorized requests to the local application over HTTP/1.1 keep-alive connections.
 * Protocols layer, hot path. Uses undici's low-level `dispatch` (a pool of keep-alive connections to the
 * app) rather than `http.request`: it costs about half the CPU per request (no ClientRequest/Agent
 * machinery, no IncomingMessage stream), which is most of what the sidecar spends besides TLS. Bodies
 * stream in both directions, with backpressure from the caller pausing the app's response.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { createRequire } from 'node:module';
import type { Dispatcher, Pool as UndiciPool } from 'undici';

import type { AppForwarder, ForwardResult, InboundRequest, InboundResponse } from './forward.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forward.js';

// undici's Pool module alone, not the package: its index also loads fetch, WebSocket, the cache and mock
// layers and their Wasm and text tables — about 9 MB of a sidecar's resident memory for code that only
// `dispatch` runs through here. undici is pinned in package.json; the proxy tests exercise this path.
const Pool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js') as typeof UndiciPool;

export interface H1ForwarderOptions {
  host: string;
  port: number;
  /** Connections kept to the app. */
  maxSockets?: number;
  /** Abort a request whose app answer (headers, or the next body chunk) has not come after this long. */
  timeoutMs: number;
}

/**
 * Whether the caller sent a request body: HTTP/1.1 frames one with content-length or transfer-encoding
 * (RFC 9112 §6.3); an HTTP/2 request has none when its HEADERS frame ended the stream.
 */
function carriesBody(req: InboundRequest): boolean {
  if (req.httpVersionMajor === 2) return !(req as Http2ServerRequest).stream.endAfterHeaders;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** HTTP/1.1 forwarder to `host:port`. */
export function h1Forwarder(options: H1ForwarderOptions): AppForwarder {
  const origin = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const pool = new Pool(origin, {
    connections: options.maxSockets ?? 512,
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { noDelay: true },
  });
  return {
    forward(
      req: InboundRequest,
      res: InboundResponse,
      xfcc: string,
      requestId: string,
      responseHeaders: Readonly<Record<string, string>>,
      done: (r: ForwardResult) => void,
    ) {
      let finished = false;
      let status = 0;
      let controller: Dispatcher.DispatchController | undefined;
      const finish = (r: ForwardResult) => {
        if (!finished) {
          finished = true;
          done(r);
        }
      };
      const headers = upstreamRequestHeaders(req.headers, xfcc, requestId);
      // HTTP/2 callers name the host in `:authority`, which HTTP/1.1 carries as `host`.
      if (headers.host === undefined) {
        const authority = req.headers[':authority'];
        if (typeof authority === 'string') headers.host = authority;
      }
      // Node's server already answered `Expect: 100-continue`; the app gets the body directly.
      delete headers.expect;
      const method = req.method ?? 'GET';
      const body = carriesBody(req) ? (req as NodeJS.ReadableStream) : null;
      // If the caller goes away, stop the app request too.
      res.once('close', () => {
        if (!finished) controller?.abort(new Error('caller closed the connection'));
      });
      try {
        pool.dispatch(
          { path: req.url ?? '/', method, headers, body: body as Dispatcher.DispatchOptions['body'] },
          {
            onRequestStart(c) {
              controller = c;
            },
            onResponseStart(c, statusCode, answer) {
              if (statusCode < 200) return; // 1xx informational: the final answer follows
              status = statusCode;
              res.writeHead(
                statusCode,
                downstreamResponseHeaders(answer as IncomingHttpHeaders, requestId, responseHeaders),
              );
              // Apply the caller's backpressure to the app's connection.
              res.on('drain', () => c.resume());
            },
            onResponseData(c, chunk) {
              if (!(res as NodeJS.WritableStream).write(chunk)) c.pause();
            },
            onResponseEnd() {
              res.end();
              finish({ status });
            },
            onResponseError(_c, err) {
              if (status !== 0) {
                // The answer had started: the caller sees a truncated response, not a made-up one.
                res.destroy();
                finish({ status });
              } else finish({ status: 0, failure: `app ${options.host}:${options.port}: ${err.message}` });
            },
          },
        );
      } catch (err) {
        finish({ status: 0, failure: `app ${options.host}:${options.port}: ${(err as Error).message}` });
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
