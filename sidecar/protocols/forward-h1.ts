/**
 * @module Forwards authorized requests to the local application over HTTP/1.1 keep-alive connections.
 * Protocols layer, hot path: one shared keep-alive agent per app, LIFO so warm sockets are reused, and
 * streaming in both directions (no buffering of bodies).
 */
import { Agent, request } from 'node:http';
import type { AppForwarder, ForwardResult, InboundRequest, InboundResponse } from './forward.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forward.js';

export interface H1ForwarderOptions {
  host: string;
  port: number;
  /** Sockets kept to the app. */
  maxSockets?: number;
  /** Abort a request whose app answer has not started after this long. */
  timeoutMs: number;
}

/** HTTP/1.1 forwarder to `host:port`. */
export function h1Forwarder(options: H1ForwarderOptions): AppForwarder {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? 512,
    maxFreeSockets: 256,
    scheduling: 'lifo',
    timeout: 60_000,
  });
  return {
    forward(
      req: InboundRequest,
      res: InboundResponse,
      xfcc: string,
      requestId: string,
      done: (r: ForwardResult) => void,
    ) {
      let finished = false;
      const finish = (r: ForwardResult) => {
        if (!finished) {
          finished = true;
          done(r);
        }
      };
      const up = request(
        {
          host: options.host,
          port: options.port,
          method: req.method,
          path: req.url,
          headers: upstreamRequestHeaders(req.headers, xfcc, requestId),
          agent,
          timeout: options.timeoutMs,
        },
        (answer) => {
          const status = answer.statusCode ?? 502;
          res.writeHead(status, downstreamResponseHeaders(answer.headers, requestId));
          answer.pipe(res as NodeJS.WritableStream);
          answer.once('end', () => finish({ status }));
          answer.once('error', () => {
            res.destroy();
            finish({ status });
          });
        },
      );
      up.once('timeout', () => up.destroy(new Error(`app did not answer within ${options.timeoutMs}ms`)));
      up.once('error', (err) =>
        finish({ status: 0, failure: `app ${options.host}:${options.port}: ${err.message}` }),
      );
      // If the caller goes away, stop the app request too.
      res.once('close', () => {
        if (!finished) up.destroy();
      });
      (req as NodeJS.ReadableStream).pipe(up);
    },
    async close() {
      agent.destroy();
    },
  };
}
