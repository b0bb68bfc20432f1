/**
 * @module Network kit for tests: echo applications (HTTP/1.1, cleartext HTTP/2 with gRPC-style trailers,
 * TCP), and mTLS clients for HTTP/1.1, HTTP/2 and raw TLS, all on loopback with ephemeral ports and
 * cleaned up with `t.after`.
 */
import { once } from 'node:events';
import { createServer as createH1Server, request as h1Request, type IncomingHttpHeaders } from 'node:http';
import { type ClientHttp2Session, createServer as createH2Server, connect as h2Connect } from 'node:http2';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';
import type { TestContext } from 'node:test';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';

type After = Pick<TestContext, 'after'>;

/** A port that was free a moment ago (for configs that cannot take 0). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** What the echo apps saw. */
export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** HTTP/1.1 app that answers every request with a JSON `Echo` of it. */
export async function startH1Echo(t: After): Promise<{ port: number; seen: Echo[] }> {
  const seen: Echo[] = [];
  const server = createH1Server((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(echo);
      const body = JSON.stringify(echo);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  );
  return { port: portOf(server), seen };
}

/** Cleartext HTTP/2 app answering like a gRPC server: body echoed, `grpc-status: 0` trailer. */
export async function startH2cEcho(t: After): Promise<{ port: number; seen: Echo[] }> {
  const seen: Echo[] = [];
  const server = createH2Server();
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      seen.push({
        method: String(headers[':method']),
        url: String(headers[':path']),
        headers,
        body: Buffer.concat(chunks).toString(),
      });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'ok' }));
      stream.end(Buffer.concat(chunks));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(
    () =>
      new Promise((r) => {
        for (const s of sessions) s.destroy();
        server.close(r);
      }),
  );
  return { port: portOf(server), seen };
}

/** TCP app that writes back every byte it receives. */
export async function startTcpEcho(t: After): Promise<{ port: number }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(r);
      }),
  );
  return { port: portOf(server) };
}

/** Client TLS material. */
export interface ClientIdentity {
  keyPem: string;
  certPem: string;
  bundlePem: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One plaintext HTTP/1.1 request (through an outbound listener, or to a PERMISSIVE port). */
export function httpGet(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = h1Request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Open an mTLS connection; resolves after the handshake (or rejects with the TLS error). */
export function tlsOpen(port: number, id: ClientIdentity | undefined, alpn?: string[]): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      ...(id ? { key: id.keyPem, cert: id.certPem, ca: id.bundlePem } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      ...(alpn ? { ALPNProtocols: alpn } : {}),
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Send raw bytes over a fresh mTLS connection and collect everything until the server closes (or, as a
 * safety net only, `idleMs` passes without data; tests never rely on it). Server refusals after a TLS 1.3 handshake surface here as a close or error.
 */
export async function tlsExchange(
  port: number,
  id: ClientIdentity | undefined,
  payload: string | Buffer,
  idleMs = 30_000,
  /** Resolve as soon as the data received satisfies this (for servers that keep the connection open). */
  doneWhen?: (data: string) => boolean,
): Promise<{ data: string; error?: string }> {
  let socket: TLSSocket;
  try {
    socket = await tlsOpen(port, id, ['http/1.1']);
  } catch (err) {
    return { data: '', error: (err as Error).message };
  }
  return new Promise((resolve) => {
    let data = '';
    let error: string | undefined;
    const timer = setTimeout(() => socket.destroy(), idleMs);
    socket.on('data', (c: Buffer) => {
      data += c.toString();
      timer.refresh();
      if (doneWhen?.(data)) socket.destroy();
    });
    socket.on('error', (e) => {
      error = e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(error === undefined ? { data } : { data, error });
    });
    socket.write(payload);
  });
}

/** An HTTP/2 session over mTLS, closed after the test. */
export async function h2Session(t: After, port: number, id: ClientIdentity): Promise<ClientHttp2Session> {
  const session = h2Connect(`https://127.0.0.1:${port}`, {
    key: id.keyPem,
    cert: id.certPem,
    ca: id.bundlePem,
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
  session.on('error', () => undefined);
  await once(session, 'connect');
  t.after(() => session.destroy());
  return session;
}

/** One HTTP/2 request; resolves with headers, body and trailers. */
export function h2Request(
  session: ClientHttp2Session,
  headers: Record<string, string>,
  body?: string,
): Promise<{ headers: Record<string, unknown>; body: string; trailers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    let answer: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      answer = h;
    });
    stream.on('trailers', (h) => {
      trailers = h;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ headers: answer, body: Buffer.concat(chunks).toString(), trailers }));
    stream.on('error', reject);
    stream.end(body);
  });
}
