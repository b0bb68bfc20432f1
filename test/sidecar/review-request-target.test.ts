/**
 * @module Found in review: the policy must decide on the path and host the application routes on. Through a
 * real sidecar: HTTP/1.1 absolute-form targets (once forwarded as is, so a policy denying `/admin` let
 * `GET http://orders/admin` through to an app that routes on the URL's path), HTTP/2 requests whose `host`
 * differs from `:authority` (the policy checked one, an HTTP/1.1 app got the other), and dot segments.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type PolicyInput, staticEngine } from '../../sidecar/index.js';
import { hasDotSegment } from '../../sidecar/protocols/request-target.js';
import { h2Request, h2Session, startH1Echo, startH2cEcho, tlsExchange } from '../helpers/net.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

/** Denies anything under /admin or for host admin.internal; records what it was asked. */
function denyAdminPolicy() {
  const inputs: PolicyInput[] = [];
  const engine = staticEngine({
    evaluate(input: PolicyInput) {
      inputs.push(input);
      const r = input.request;
      if (r.path.startsWith('/admin') || r.host === 'admin.internal')
        return { allow: false, reason: 'no admin' };
      return { allow: true, reason: 'ok' };
    },
  });
  return { engine, inputs };
}

async function ordersSidecar(t: Parameters<typeof sidecarFor>[0], appProtocol: 'http1' | 'h2c') {
  const app = appProtocol === 'h2c' ? await startH2cEcho(t) : await startH1Echo(t);
  const policy = denyAdminPolicy();
  const audit = memoryAudit();
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, app_protocol: appProtocol }],
    },
    { policyEngine: policy.engine, auditSink: audit },
  );
  return { app, policy, audit, port: server.inbound[0]?.port as number };
}

const get = (target: string, host = 'orders') =>
  `GET ${target} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`;

describe('HTTP/1.1 absolute-form request targets', () => {
  test('the policy sees the target path and authority, and the app gets origin-form', async (t) => {
    const { app, policy, port } = await ordersSidecar(t, 'http1');
    for (const target of ['http://orders/admin', 'HTTPS://orders/admin/users', 'http://x/admin?a=1']) {
      const r = await tlsExchange(port, pki.web, get(target));
      assert.match(r.data, /^HTTP\/1\.1 403/, target);
    }
    assert.equal(app.seen.length, 0, 'no /admin request reached the app');

    const allowed = await tlsExchange(port, pki.web, get('http://orders:8080/api/x?q=1', 'ignored'));
    assert.match(allowed.data, /^HTTP\/1\.1 200/);
    assert.equal(app.seen[0]?.url, '/api/x?q=1');
    assert.equal(app.seen[0]?.headers.host, 'orders:8080', 'the target names the host (RFC 9112 §3.2.2)');
    assert.equal(policy.inputs.at(-1)?.request.path, '/api/x');
    assert.equal(policy.inputs.at(-1)?.request.host, 'orders:8080');

    // A query straight after the authority still gives a path.
    const bare = await tlsExchange(port, pki.web, get('http://orders?q=2'));
    assert.match(bare.data, /^HTTP\/1\.1 200/);
    assert.equal(app.seen[1]?.url, '/?q=2');
  });

  test('absolute URLs with userinfo or without an authority are refused with 400', async (t) => {
    const { app, audit, port } = await ordersSidecar(t, 'http1');
    // (Node's parser itself answers 400 to other shapes, such as `mailto:x` or `http:/admin`.)
    for (const target of ['http://user@admin.internal/x', 'http:///admin']) {
      const r = await tlsExchange(port, pki.web, get(target));
      assert.match(r.data, /^HTTP\/1\.1 400/, target);
      assert.match(r.data, /"error":"bad_request"/, target);
    }
    assert.equal(app.seen.length, 0);
    assert.deepEqual(
      audit.events.map((e) => [e.decision, e.status]),
      [
        ['deny', 400],
        ['deny', 400],
      ],
    );
  });
});

describe('dot segments', () => {
  test('paths with . or .. segments are refused before the policy; ordinary dots pass', async (t) => {
    const { app, policy, port } = await ordersSidecar(t, 'http1');
    const refused = [
      '/public/../admin',
      '/public/%2e%2e/admin',
      '/public/.%2E/admin',
      '/./admin',
      '/public/..;x/admin',
      '/public\\..\\admin',
      'http://orders/public/../admin',
    ];
    for (const path of refused) {
      const r = await tlsExchange(port, pki.web, get(path));
      assert.match(r.data, /^HTTP\/1\.1 400/, path);
    }
    assert.equal(app.seen.length, 0);
    assert.equal(policy.inputs.length, 0, 'the policy never saw them');
    for (const path of ['/api/v1.2/file.tar.gz', '/api/...', '/api/x?next=/../y']) {
      const r = await tlsExchange(port, pki.web, get(path));
      assert.match(r.data, /^HTTP\/1\.1 200/, path);
    }
    assert.deepEqual(
      app.seen.map((e) => e.url),
      ['/api/v1.2/file.tar.gz', '/api/...', '/api/x?next=/../y'],
    );
  });

  test('HTTP/2 paths with dot segments are refused too', async (t) => {
    const { app, policy, port } = await ordersSidecar(t, 'h2c');
    const session = await h2Session(t, port, pki.web);
    for (const path of ['/public/../admin', '/public/%2E%2e/admin']) {
      const r = await h2Request(session, { ':method': 'GET', ':path': path });
      assert.equal(r.headers[':status'], 400, path);
    }
    assert.equal(app.seen.length, 0);
    assert.equal(policy.inputs.length, 0);
  });

  test('hasDotSegment', () => {
    assert.equal(hasDotSegment('/a/b'), false);
    assert.equal(hasDotSegment('/a/%2E'), true);
    assert.equal(hasDotSegment('/a/..'), true);
    assert.equal(hasDotSegment('/a/.hidden'), false);
    assert.equal(hasDotSegment('/a?x=..'), false);
    assert.equal(hasDotSegment('..'), true);
  });
});

describe('HTTP/2 host and :authority', () => {
  for (const appProtocol of ['http1', 'h2c'] as const) {
    test(`a host header that differs from :authority is refused (app ${appProtocol})`, async (t) => {
      const { app, port } = await ordersSidecar(t, appProtocol);
      const session = await h2Session(t, port, pki.web);
      const r = await h2Request(session, {
        ':method': 'GET',
        ':path': '/api/x',
        ':authority': 'orders',
        host: 'admin.internal',
      });
      assert.equal(r.headers[':status'], 400);
      assert.equal(app.seen.length, 0);

      const grpc = await h2Request(session, {
        ':method': 'POST',
        ':path': '/orders.v1.Orders/Get',
        ':authority': 'orders',
        host: 'admin.internal',
        'content-type': 'application/grpc',
      });
      assert.equal(grpc.headers[':status'], 200);
      assert.equal(grpc.headers['grpc-status'], '13');
      assert.equal(app.seen.length, 0);
    });

    test(`without :authority the policy sees the host header the app gets (app ${appProtocol})`, async (t) => {
      const { app, policy, port } = await ordersSidecar(t, appProtocol);
      const session = await h2Session(t, port, pki.web);
      // Node's client always sends :authority; a raw peer need not. Omit it by sending only `host`.
      const denied = await h2Request(session, { ':method': 'GET', ':path': '/x', host: 'admin.internal' });
      assert.equal(denied.headers[':status'], 403);
      assert.equal(policy.inputs.at(-1)?.request.host, 'admin.internal');
      assert.equal(app.seen.length, 0);

      const same = await h2Request(session, {
        ':method': 'GET',
        ':path': '/x',
        ':authority': 'orders',
        host: 'orders',
      });
      assert.equal(same.headers[':status'], 200);
      const seen = app.seen[0];
      assert.equal(seen?.headers.host ?? seen?.headers[':authority'], 'orders');
    });
  }
});
