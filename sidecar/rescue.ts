/**
 * @module Maps a refusal or failure to the wire, in one place. Rescue stage of the request flow: HTTP gets a
 * small JSON body `{error, reason, request_id}`, gRPC gets HTTP 200 with `grpc-status` (7 for a denial), TCP
 * is closed. Only the policy's reason goes to the peer; evaluation details stay in logs.
 */
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';

/** gRPC status codes the sidecar answers with. */
export const GrpcStatus = {
  permissionDenied: 7,
  /** What gRPC maps HTTP 400 to (a malformed request never reached a handler). */
  internal: 13,
  resourceExhausted: 8,
  unavailable: 14,
  unauthenticated: 16,
} as const;

/** The outcome to put on the wire. */
export interface Refusal {
  /** HTTP status for plain HTTP. */
  readonly status: 400 | 403 | 429 | 502 | 503 | 504;
  /** Short machine-readable error word. */
  readonly error:
    | 'bad_request'
    | 'forbidden'
    | 'too_many_requests'
    | 'bad_gateway'
    | 'unavailable'
    | 'gateway_timeout';
  readonly reason: string;
  readonly grpcStatus: number;
  /** Extra response headers (quota: `retry-after`, `ratelimit-policy`, `ratelimit`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request the sidecar cannot decide on faithfully (e.g. its host is ambiguous): 400, gRPC INTERNAL. */
export function badRequest(reason: string): Refusal {
  return { status: 400, error: 'bad_request', reason, grpcStatus: GrpcStatus.internal };
}

export function denied(reason: string): Refusal {
  return { status: 403, error: 'forbidden', reason, grpcStatus: GrpcStatus.permissionDenied };
}

/** Over a rate limit: 429 with `Retry-After` and RateLimit headers; gRPC RESOURCE_EXHAUSTED. */
export function tooManyRequests(reason: string, headers: Readonly<Record<string, string>>): Refusal {
  return {
    status: 429,
    error: 'too_many_requests',
    reason,
    grpcStatus: GrpcStatus.resourceExhausted,
    headers,
  };
}

export function badGateway(reason: string): Refusal {
  return { status: 502, error: 'bad_gateway', reason, grpcStatus: GrpcStatus.unavailable };
}

export function unavailable(reason: string, headers?: Readonly<Record<string, string>>): Refusal {
  return {
    status: 503,
    error: 'unavailable',
    reason,
    grpcStatus: GrpcStatus.unavailable,
    ...(headers === undefined ? {} : { headers }),
  };
}

export function gatewayTimeout(reason: string): Refusal {
  return { status: 504, error: 'gateway_timeout', reason, grpcStatus: GrpcStatus.unavailable };
}

/**
 * Longest `grpc-message` sent. A policy's reason can be any size, and a header block past the peer's limit
 * loses the whole answer (the stream is reset with no `grpc-status`), so a long reason is cut short.
 */
export const GRPC_MESSAGE_MAX = 4096;

/**
 * Percent-encode a grpc-message per the gRPC HTTP/2 spec (printable ASCII except `%` kept as is), at most
 * GRPC_MESSAGE_MAX characters, cut between characters (never inside an escape or a UTF-8 sequence).
 */
export function encodeGrpcMessage(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    let piece = char;
    if (char.length > 1 || code < 0x20 || code > 0x7e || code === 0x25) {
      piece = '';
      for (const byte of Buffer.from(char, 'utf8'))
        piece += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    if (out.length + piece.length > GRPC_MESSAGE_MAX) break;
    out += piece;
  }
  return out;
}

/**
 * Write a refusal as the response to `res`. Returns the status the caller saw (the gRPC code for gRPC),
 * for metrics and audit. If the response has already started, the stream is reset instead.
 */
export function respondRefusal(
  res: ServerResponse | Http2ServerResponse,
  refusal: Refusal,
  requestId: string,
  grpc: boolean,
): number {
  if (res.headersSent) {
    res.destroy();
    return refusal.status;
  }
  if (grpc && 'stream' in res) {
    // The caller may have cancelled while the request was decided: respond() on a closed stream throws.
    if (res.stream.destroyed || res.stream.closed) return refusal.grpcStatus;
    // Trailers-only response: one HEADERS frame with END_STREAM, as gRPC clients expect.
    res.stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(refusal.grpcStatus),
        'grpc-message': encodeGrpcMessage(refusal.reason),
        ...refusal.headers,
        'x-request-id': requestId,
      },
      { endStream: true },
    );
    return refusal.grpcStatus;
  }
  const body = JSON.stringify({ error: refusal.error, reason: refusal.reason, request_id: requestId });
  res.writeHead(refusal.status, {
    ...refusal.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
  });
  res.end(body);
  return refusal.status;
}
