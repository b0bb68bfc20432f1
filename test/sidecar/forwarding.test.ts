/**
 * @module The app forwarder and the inbound TLS session rules, end to end through a real sidecar pair:
 * request bodies in every HTTP/1.1 framing reach the app intact, large answers stream back intact through
 * backpressure, and a client offering a TLS session ticket still gets a full, fully validated handshake.
 */
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { httpGet, startH1Echo } from '../helpers/net.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor, WEB } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

async function pair(t: Parameters<typeof sidecarFor>[0], appPort: number) {
  const audit = memoryAudit();
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${appPort}` }] },
    { auditSink: audit },
  );
  const client = await sidecarFor(t, WEB, pki.web, {
    outbound: [
      { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
    ],
  });
  return { server, client, audit, port: client.outbound[0]?.port as number };
}

describe('forwarding to the app', () => {
  test('request bodies reach the app intact with content-length, chunked, and none', async (t) => {
    const app = await startH1Echo(t);
    const { port, audit } = await pair(t, app.port);
    const sized = await httpGet(port, '/api/orders', { method: 'POST', body: '{"item":"tea","qty":2}' });
    assert.equal(sized.status, 200);
    assert.equal((JSON.parse(sized.body) as { body: string }).body, '{"item":"tea","qty":2}');

    // Chunked: written in three pieces with no content-length.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/orders', method: 'PUT', agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('one,');
      req.write('two,');
      req.end('three');
    });
    assert.equal(chunked.status, 200);
    const seen = JSON.parse(chunked.body) as { body: string; headers: Record<string, string> };
    assert.equal(seen.body, 'one,two,three');
    // A proxy may re-frame a body it has fully received (RFC 9112 §6): either framing is correct, both not.
    const framing = [seen.headers['transfer-encoding'], seen.headers['content-length']];
    assert.ok(
      (framing[0] === 'chunked') !== (framing[1] === '13'),
      `exactly one framing: ${JSON.stringify(seen.headers)}`,
    );

    const bodyless = await httpGet(port, '/api/orders', { method: 'DELETE' });
    assert.equal(bodyless.status, 200);
    assert.equal((JSON.parse(bodyless.body) as { body: string }).body, '');
    assert.deepEqual(
      audit.events.map((e) => [e.request.method, e.status]),
      [
        ['POST', 200],
        ['PUT', 200],
        ['DELETE', 200],
      ],
    );
  });

  test('a large answer streams back intact, with the app status and headers', async (t) => {
    const size = 4 * 1024 * 1024;
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 31) % 251;
    const app = createServer((_req, res) => {
      res.writeHead(207, { 'content-type': 'application/octet-stream', 'x-app': 'big' });
      // Many writes, so the sidecar sees a stream of chunks, not one buffer.
      for (let off = 0; off < size; off += 64 * 1024) res.write(payload.subarray(off, off + 64 * 1024));
      res.end();
    });
    app.listen(0, '127.0.0.1');
    await new Promise((r) => app.once('listening', r));
    t.after(() => new Promise((r) => app.close(r)));
    const { port } = await pair(t, (app.address() as AddressInfo).port);
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/blob', agent: false }, (res) => {
          const chunks: Buffer[] = [];
          // Read slowly at first so the caller's backpressure reaches the app connection.
          res.pause();
          setTimeout(() => res.resume(), 200);
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        });
        req.on('error', reject);
        req.end();
      },
    );
    assert.equal(answer.status, 207);
    assert.equal(answer.headers['x-app'], 'big');
    assert.equal(answer.body.length, size);
    assert.ok(answer.body.equals(payload), 'the body arrived byte for byte');
  });

  test('an app that is down gives the caller 502 and an error audit record', async (t) => {
    const gone = createServer();
    gone.listen(0, '127.0.0.1');
    await new Promise((r) => gone.once('listening', r));
    const deadPort = (gone.address() as AddressInfo).port;
    await new Promise((r) => gone.close(r));
    const { port, audit } = await pair(t, deadPort);
    const answer = await httpGet(port, '/api/orders');
    assert.equal(answer.status, 502);
    assert.equal(audit.events[0]?.decision, 'error');
    assert.equal(audit.events[0]?.status, 502);
  });
});

describe('warm connections', () => {
  test('a warm connection idle past the server headers timeout still carries a request', async (t) => {
    const app = await startH1Echo(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
      limits: { headers_timeout: '200ms' },
    });
    const client = await sidecarFor(t, WEB, pki.web, {
      outbound: [
        {
          port: 0,
          service: 'orders',
          address: `127.0.0.1:${server.inbound[0]?.port}`,
          identity: ORDERS,
          warm_connections: 2,
        },
      ],
    });
    // Let the warm connections sit idle for several headers timeouts.
    await new Promise((r) => setTimeout(r, 900));
    for (let i = 0; i < 3; i++) {
      const answer = await httpGet(client.outbound[0]?.port as number, '/api/orders');
      assert.equal(answer.status, 200, `request ${i}: ${answer.body}`);
    }
  });
});

describe('inbound TLS sessions', () => {
  test('a client offering a session ticket gets a full handshake and is identified', async (t) => {
    const app = await startH1Echo(t);
    const { server } = await pair(t, app.port);
    const inboundPort = server.inbound[0]?.port as number;
    const open = (session?: Buffer) =>
      new Promise<TLSSocket>((resolve, reject) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: inboundPort,
          key: pki.web.keyPem,
          cert: pki.web.certPem,
          ca: pki.web.bundlePem,
          checkServerIdentity: () => undefined,
          ALPNProtocols: ['http/1.1'],
          ...(session ? { session } : {}),
        });
        socket.once('secureConnect', () => resolve(socket));
        socket.once('error', reject);
      });
    const get = (socket: TLSSocket) =>
      new Promise<string>((resolve) => {
        let data = '';
        socket.on('data', (c: Buffer) => {
          data += c.toString();
          if (data.includes('"url"')) socket.end();
        });
        socket.on('close', () => resolve(data));
        socket.write('GET /api/orders HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n');
      });
    const first = await open();
    let offered: Buffer | undefined;
    first.on('session', (s: Buffer) => {
      offered = s;
    });
    assert.match(await get(first), /^HTTP\/1\.1 200/);
    // A resumed session would carry the peer's leaf only (no chain to validate) and outlive a bundle
    // rotation: the server never resumes, whatever session the client offers.
    const second = await open(offered ?? first.getSession());
    assert.equal(second.isSessionReused(), false);
    assert.match(await get(second), /^HTTP\/1\.1 200/);
  });
});
