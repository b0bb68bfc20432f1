/**
 * @module End to end through two real sidecars on loopback: app → outbound listener → mTLS → inbound
 * listener → policy → echo app, with the allowed and denied paths, headers, audit and admin endpoints.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  h2Request,
  h2Session,
  httpGet,
  startH1Echo,
  startH2cEcho,
  startTcpEcho,
  tlsExchange,
} from '../helpers/net.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor, WEB } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

describe('HTTP/1.1 through a sidecar pair', () => {
  test('allowed call reaches the app with XFCC and a fresh x-request-id; peer-sent ones are stripped', async (t) => {
    const app = await startH1Echo(t);
    const audit = memoryAudit();
    const server = await sidecarFor(
      t,
      ORDERS,
      pki.orders,
      { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }] },
      { auditSink: audit },
    );
    const client = await sidecarFor(t, WEB, pki.web, {
      outbound: [
        { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
      ],
    });
    const answer = await httpGet(client.outbound[0]?.port as number, '/api/orders?id=7', {
      headers: {
        'x-forwarded-client-cert': 'By=evil;URI=spiffe://demo.test/ns/ops/sa/admin-tool',
        'x-request-id': 'forged',
      },
    });
    assert.equal(answer.status, 200);
    const echo = JSON.parse(answer.body) as { url: string; headers: Record<string, string> };
    assert.equal(echo.url, '/api/orders?id=7');
    assert.match(
      echo.headers['x-forwarded-client-cert'] ?? '',
      new RegExp(`^By=${ORDERS};Hash=[0-9a-f]{64};URI=${WEB}$`),
    );
    assert.notEqual(echo.headers['x-request-id'], 'forged');
    assert.match(echo.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(answer.headers['x-request-id'], echo.headers['x-request-id']);
    assert.equal(audit.events.length, 1);
    const event = audit.events[0];
    assert.equal(event?.decision, 'allow');
    assert.equal(event?.source.principal, WEB);
    assert.equal(event?.request.path, '/api/orders');
    assert.equal(event?.status, 200);
    assert.equal(event?.reason, 'web-may-call-api');
  });

  test('denials are 403 JSON naming the reason, and fail closed on policy errors', async (t) => {
    const app = await startH1Echo(t);
    const audit = memoryAudit();
    const server = await sidecarFor(
      t,
      ORDERS,
      pki.orders,
      { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }] },
      { auditSink: audit },
    );
    const client = await sidecarFor(t, WEB, pki.web, {
      outbound: [
        { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
      ],
    });
    const port = client.outbound[0]?.port as number;
    const cases = [
      {
        note: 'policy says no',
        path: '/admin',
        reason: `rule deny-default: ${WEB} may not GET /admin`,
        decision: 'deny',
      },
      { note: 'policy throws', path: '/throw', reason: 'policy evaluation failed', decision: 'error' },
      {
        note: 'allow is not a boolean',
        path: '/not-boolean',
        reason: 'policy decision palisade/authz/allow is not a boolean (string)',
        decision: 'error',
      },
      {
        note: 'allow is undefined',
        path: '/undefined',
        reason: 'policy decision palisade/authz/allow is undefined',
        decision: 'deny',
      },
    ];
    for (const c of cases) {
      const answer = await httpGet(port, c.path);
      assert.equal(answer.status, 403, c.note);
      assert.equal(answer.headers['content-type'], 'application/json', c.note);
      const body = JSON.parse(answer.body) as { error: string; reason: string; request_id: string };
      assert.equal(body.error, 'forbidden', c.note);
      assert.equal(body.reason, c.reason, c.note);
      assert.match(body.request_id, /^[0-9a-f-]{36}$/, c.note);
      const event = audit.events.at(-1);
      assert.equal(event?.decision, c.decision, c.note);
      assert.equal(event?.request_id, body.request_id, c.note);
      assert.equal(event?.status, 403, c.note);
    }
    assert.equal(app.seen.length, 0, 'nothing denied reached the app');
  });

  test('no policy loaded denies everything', async (t) => {
    const app = await startH1Echo(t);
    const { staticEngine } = await import('../../sidecar/index.js');
    const server = await sidecarFor(
      t,
      ORDERS,
      pki.orders,
      { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }] },
      { policyEngine: staticEngine(undefined) },
    );
    const r = await tlsExchange(
      server.inbound[0]?.port as number,
      pki.web,
      'GET /api/x HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n',
    );
    assert.match(r.data, /^HTTP\/1\.1 403/);
    assert.match(r.data, /"reason":"no policy loaded"/);
    const notReady = await httpGet(server.admin.port, '/ready');
    assert.equal(notReady.status, 503);
    assert.match(notReady.body, /no policy loaded/);
    // A sidecar with only outbound listeners decides nothing, so it is ready without a policy.
    const client = await sidecarFor(
      t,
      WEB,
      pki.web,
      {
        outbound: [
          { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
        ],
      },
      { policyEngine: staticEngine(undefined) },
    );
    const ready = await httpGet(client.admin.port, '/ready');
    assert.equal(ready.status, 200, ready.body);
  });
});

describe('HTTP/2 and gRPC', () => {
  test('gRPC allowed is forwarded over h2c with trailers; denied is HTTP 200 + grpc-status 7', async (t) => {
    const app = await startH2cEcho(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, app_protocol: 'h2c' }],
    });
    const port = server.inbound[0]?.port as number;
    const ok = await h2Request(
      await h2Session(t, port, pki.web),
      { ':method': 'POST', ':path': '/orders.v1.Orders/Get', 'content-type': 'application/grpc' },
      'payload',
    );
    assert.equal(ok.headers[':status'], 200);
    assert.equal(ok.body, 'payload');
    assert.equal(ok.trailers['grpc-status'], '0');
    assert.match(String(app.seen[0]?.headers['x-forwarded-client-cert']), new RegExp(`URI=${WEB}$`));

    const denied = await h2Request(await h2Session(t, port, pki.adminTool), {
      ':method': 'POST',
      ':path': '/orders.v1.Orders/Delete',
      'content-type': 'application/grpc',
    });
    assert.equal(denied.headers[':status'], 200);
    assert.equal(denied.headers['grpc-status'], '7');
    assert.match(
      String(denied.headers['grpc-message']),
      /rule deny-default: spiffe:\/\/demo\.test\/ns\/ops\/sa\/admin-tool may not POST/,
    );
    assert.equal(app.seen.length, 1);
  });

  test('plain HTTP/2 (non-gRPC) is answered with a 403 JSON denial', async (t) => {
    const app = await startH1Echo(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
    });
    const session = await h2Session(t, server.inbound[0]?.port as number, pki.adminTool);
    const r = await h2Request(session, { ':method': 'GET', ':path': '/api/x' });
    assert.equal(r.headers[':status'], 403);
    assert.match(JSON.parse(r.body).reason, /admin-tool may not GET \/api\/x/);
    const allowed = await h2Request(await h2Session(t, server.inbound[0]?.port as number, pki.web), {
      ':method': 'GET',
      ':path': '/api/x',
    });
    assert.equal(allowed.headers[':status'], 200);
    assert.equal(JSON.parse(allowed.body).url, '/api/x');
  });
});

describe('TCP', () => {
  test('allowed peers get a byte pipe; denied peers are closed after the handshake', async (t) => {
    const app = await startTcpEcho(t);
    const audit = memoryAudit();
    const server = await sidecarFor(
      t,
      ORDERS,
      pki.orders,
      { inbound: [{ port: 0, protocol: 'tcp', app: `127.0.0.1:${app.port}` }] },
      { auditSink: audit },
    );
    const port = server.inbound[0]?.port as number;
    const ok = await tlsExchange(port, pki.web, 'ping', 30_000, (d) => d === 'ping');
    assert.equal(ok.data, 'ping');
    const no = await tlsExchange(port, pki.adminTool, 'ping');
    assert.equal(no.data, '');
    assert.deepEqual(
      audit.events.map((e) => [e.decision, e.request.protocol]),
      [
        ['allow', 'tcp'],
        ['deny', 'tcp'],
      ],
    );
    assert.match(audit.events[1]?.reason ?? '', /admin-tool may not connect/);
  });
});

describe('PERMISSIVE', () => {
  test('plaintext is accepted and marked unauthenticated; mTLS still identifies the peer', async (t) => {
    const app = await startH1Echo(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, mtls: 'permissive' }],
    });
    const port = server.inbound[0]?.port as number;
    const pub = await httpGet(port, '/public');
    assert.equal(pub.status, 200);
    assert.equal(JSON.parse(pub.body).headers['x-forwarded-client-cert'], undefined);
    const api = await httpGet(port, '/api/x');
    assert.equal(api.status, 403);
    assert.match(JSON.parse(api.body).reason, /unauthenticated may not GET/);
    const viaTls = await tlsExchange(
      port,
      pki.web,
      'GET /api/x HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n',
    );
    assert.match(viaTls.data, /^HTTP\/1\.1 200/);
  });
});

describe('admin', () => {
  test('/healthz, /ready, /metrics and /config (no secrets)', async (t) => {
    const app = await startH1Echo(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
    });
    const admin = server.admin.port;
    assert.equal((await httpGet(admin, '/healthz')).status, 200);
    const ready = await httpGet(admin, '/ready');
    assert.equal(ready.status, 200, ready.body);
    await tlsExchange(
      server.inbound[0]?.port as number,
      pki.web,
      'GET /api/m HTTP/1.1\r\nhost: o\r\nconnection: close\r\n\r\n',
    );
    const metrics = (await httpGet(admin, '/metrics')).body;
    assert.match(
      metrics,
      /palisade_sidecar_requests_total\{listener="inbound\[0\]",protocol="http\/1\.1",decision="allow",code="200"\} 1/,
    );
    assert.match(metrics, /palisade_sidecar_certificate_expiry_seconds \d+/);
    // The process's own figures, for sizing a pod and chasing latency.
    assert.match(metrics, /^process_resident_memory_bytes \d+/m);
    assert.match(metrics, /^nodejs_eventloop_lag_p99_seconds /m);
    const config = (await httpGet(admin, '/config')).body;
    assert.doesNotMatch(config, /PRIVATE KEY/);
    assert.equal(JSON.parse(config).identity.spiffe_id, ORDERS);
  });
});
