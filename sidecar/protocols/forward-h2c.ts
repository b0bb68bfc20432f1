/**
 * @module Forwards authorized requests to the local application over cleartext HTTP/2 (what gRPC servers
 * speak). Protocols layer: one multiplexed session to the app, re-opened when it closes; trailers
 * (`grpc-status`) are carried through.
 */
import { type ClientHttp2Session, connect, constants } from 'node:http2';
import type { AppForwarder, ForwardResult, InboundRequest, InboundResponse } from './forward.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forward.js';

export interface H2cForwarderOptions {
  host: string;
  port: number;
  timeoutMs: number;
}

/** HTTP/2 cleartext forwarder to `host:port`. */
export function h2cForwarder(options: H2cForwarderOptions): AppForwarder {
  const authority = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  let session: ClientHttp2Session | undefined;
  const current = (): ClientHttp2Session => {
    if (session === undefined || session.closed || session.destroyed) {
      const s = connect(authority);
      s.on('error', () => undefined); // surfaced per stream
      s.once('close', () => {
        if (session === s) session = undefined;
      });
      s.unref();
      session = s;
    }
    return session;
  };
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
      const finish = (r: ForwardResult) => {
        if (!finished) {
          finished = true;
          done(r);
        }
      };
      const headers: Record<string, string | string[]> = upstreamRequestHeaders(req.headers, xfcc, requestId);
      headers[':method'] = req.method ?? 'GET';
      headers[':path'] = req.url ?? '/';
      const host = req.headers[':authority'] ?? req.headers.host;
      if (typeof host === 'string') headers[':authority'] = host;
      delete headers.host;
      // TE is hop-by-hop, but HTTP/2 lets `te: trailers` through (RFC 9113 §8.2.2) and gRPC servers expect it
      // from a gRPC client: pass it on when the caller sent it.
      if (/(^|,)\s*trailers\s*(;|,|$)/i.test(String(req.headers.te ?? ''))) headers.te = 'trailers';
      let stream: ReturnType<ClientHttp2Session['request']>;
      try {
        stream = current().request(headers);
      } catch (err) {
        finish({ status: 0, failure: `app ${authority}: ${(err as Error).message}` });
        return;
      }
      stream.setTimeout(options.timeoutMs, () => stream.close(constants.NGHTTP2_CANCEL));
      let status = 0;
      stream.once('response', (answer) => {
        status = Number(answer[':status'] ?? 502);
        res.writeHead(status, downstreamResponseHeaders(answer, requestId, responseHeaders));
        stream.pipe(res as NodeJS.WritableStream);
      });
      stream.once('trailers', (trailers) => {
        const clean: Record<string, string> = {};
        for (const k in trailers) if (k.charCodeAt(0) !== 58) clean[k] = String(trailers[k]);
        res.addTrailers(clean);
      });
      stream.once('end', () =>
        finish(status === 0 ? { status: 0, failure: `app ${authority}: no response` } : { status }),
      );
      stream.once('close', () => {
        if (status === 0)
          finish({ status: 0, failure: `app ${authority}: stream closed (code ${stream.rstCode})` });
        else finish({ status });
      });
      stream.once('error', (err) => {
        if (status !== 0) res.destroy();
        finish(status === 0 ? { status: 0, failure: `app ${authority}: ${err.message}` } : { status });
      });
      res.once('close', () => {
        if (!finished) stream.close(constants.NGHTTP2_CANCEL);
      });
      (req as NodeJS.ReadableStream).pipe(stream);
    },
    async close() {
      session?.destroy();
    },
  };
}
