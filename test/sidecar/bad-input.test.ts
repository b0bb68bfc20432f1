/**
 * @module The bad-input cases of the sidecar, each against a running sidecar that must keep serving others:
 * plaintext to STRICT, bad client certificates, a wrong server identity, oversized headers, request smuggling,
 * a stalled peer, an HTTP/2 reset flood, and a policy that never returns.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants } from 'node:http2';
import { connect } from 'node:net';
import { before, describe, test } from 'node:test';
import { WorkerEvaluator } from '../../sidecar/authz/worker-evaluator.js';
import { staticEngine } from '../../sidecar/index.js';
import { h2Request, h2Session, httpGet, startH1Echo, tlsExchange, tlsOpen } from '../helpers/net.js';
import { makePki, ORDERS, type Pki, sidecarFor, TD, WEB } from './fixtures/mesh.js';
import { createTestCa, issueSvid } from './fixtures/pki.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

const GOOD_REQUEST = 'GET /api/ok HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n';

async function ordersSidecar(t: Parameters<typeof sidecarFor>[0], limits: Record<string, unknown> = {}) {
  const app = await startH1Echo(t);
  const server = await sidecarFor(t, ORDERS, pki.orders, {
    inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
    limits: { headers_timeout: '500ms', request_timeout: '1s', ...limits },
  });
  return { app, server, port: server.inbound[0]?.port as number };
}

async function metric(server: { admin: { port: number } }, pattern: RegExp): Promise<string | undefined> {
  const text = (await httpGet(server.admin.port, '/metrics')).body;
  return text.split('\n').find((l) => pattern.test(l));
}

describe('STRICT refuses what is not mutual TLS with a valid SVID', () => {
  test('plaintext HTTP gets no answer and the connection is closed', async (t) => {
    const { app, server, port } = await ordersSidecar(t);
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /api/x HTTP/1.1\r\nhost: orders\r\n\r\n');
    let data = '';
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
    });
    socket.on('error', () => undefined);
    await once(socket, 'close');
    assert.doesNotMatch(data, /HTTP\/1\.1/);
    assert.equal(app.seen.length, 0);
    assert.ok(
      await metric(
        server,
        /palisade_sidecar_tls_failures_total\{listener="inbound\[0\]",reason="plaintext_or_bad_version"\} [1-9]/,
      ),
    );
    assert.match(
      (await tlsExchange(port, pki.web, GOOD_REQUEST)).data,
      /^HTTP\/1\.1 200/,
      'still serves mTLS peers',
    );
  });

  test('bad client certificates are refused', async (t) => {
    const { app, server, port } = await ordersSidecar(t);
    const otherCa = await createTestCa(TD);
    const foreignCa = await createTestCa('other.test');
    const now = Date.now();
    const cases = [
      { note: 'no client certificate', id: undefined },
      { note: 'from another CA of the same trust domain', id: await issueSvid(otherCa, WEB) },
      {
        note: 'from a foreign trust domain CA',
        id: await issueSvid(foreignCa, 'spiffe://other.test/ns/demo/sa/web'),
      },
      {
        note: 'expired',
        id: await issueSvid(pki.ca, WEB, { notBefore: now - 7_200_000, notAfter: now - 3_600_000 }),
      },
      {
        note: 'two URI SANs',
        id: await issueSvid(pki.ca, WEB, { uris: [WEB, `spiffe://${TD}/ns/demo/sa/other`] }),
      },
      { note: 'a CA certificate as leaf', id: await issueSvid(pki.ca, WEB, { isCa: true }) },
    ];
    for (const c of cases) {
      const id = c.id === undefined ? undefined : { ...c.id, bundlePem: pki.orders.bundlePem };
      const r = await tlsExchange(port, id, GOOD_REQUEST);
      assert.doesNotMatch(r.data, /HTTP\/1\.1 200/, c.note);
    }
    assert.equal(app.seen.length, 0, 'no refused peer reached the app');
    const refused = await metric(
      server,
      /palisade_sidecar_tls_failures_total\{listener="inbound\[0\]",reason="(bad_client_certificate|peer_identity)"\}/,
    );
    assert.ok(refused, 'refusals are counted');
    assert.match(
      (await tlsExchange(port, pki.web, GOOD_REQUEST)).data,
      /^HTTP\/1\.1 200/,
      'still serves good peers',
    );
  });
});

describe('secure naming', () => {
  test('a server presenting another SPIFFE ID fails the request with 502 naming both identities', async (t) => {
    const { app, port } = await ordersSidecar(t);
    const client = await sidecarFor(t, WEB, pki.web, {
      outbound: [
        {
          port: 0,
          service: 'payments',
          address: `127.0.0.1:${port}`,
          identity: `spiffe://${TD}/ns/demo/sa/payments`,
        },
      ],
    });
    const answer = await httpGet(client.outbound[0]?.port as number, '/api/pay');
    assert.equal(answer.status, 502);
    const body = JSON.parse(answer.body) as { error: string; reason: string };
    assert.equal(body.error, 'bad_gateway');
    assert.equal(
      body.reason,
      `secure naming: expected server identity spiffe://${TD}/ns/demo/sa/payments, peer presented ${ORDERS}`,
    );
    assert.equal(app.seen.length, 0);
  });
});

describe('HTTP/1.1 parsing limits', () => {
  test('oversized headers get 431; conflicting content-length and transfer-encoding get 400', async (t) => {
    const { app, port } = await ordersSidecar(t, { max_header_bytes: 4096 });
    const cases = [
      {
        note: 'header block over max_header_bytes',
        payload: `GET /api/x HTTP/1.1\r\nhost: orders\r\nx-big: ${'a'.repeat(8192)}\r\n\r\n`,
        want: /^HTTP\/1\.1 431/,
      },
      {
        note: 'CL + TE (request smuggling)',
        payload:
          'POST /api/x HTTP/1.1\r\nhost: orders\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nhost: orders\r\n\r\n',
        want: /^HTTP\/1\.1 400/,
      },
      {
        note: 'two different content-length headers',
        payload:
          'POST /api/x HTTP/1.1\r\nhost: orders\r\ncontent-length: 4\r\ncontent-length: 5\r\n\r\nabcde',
        want: /^HTTP\/1\.1 400/,
      },
    ];
    for (const c of cases) {
      const r = await tlsExchange(port, pki.web, c.payload);
      assert.match(r.data, c.want, c.note);
    }
    assert.equal(app.seen.length, 0, 'nothing malformed reached the app');
    assert.match((await tlsExchange(port, pki.web, GOOD_REQUEST)).data, /^HTTP\/1\.1 200/);
  });

  test('a peer that stalls mid-request is cut off; others are served meanwhile', async (t) => {
    const { app, port } = await ordersSidecar(t);
    const stalled = await tlsOpen(port, pki.web, ['http/1.1']);
    stalled.on('error', () => undefined);
    stalled.write('GET /api/slow HTTP/1.1\r\nhost: orders\r\nx-partial: ');
    const served = await tlsExchange(port, pki.web, GOOD_REQUEST);
    assert.match(served.data, /^HTTP\/1\.1 200/);
    let data = '';
    stalled.on('data', (c: Buffer) => {
      data += c.toString();
    });
    await once(stalled, 'close');
    assert.doesNotMatch(data, /200 OK/);
    assert.equal(app.seen.filter((e) => e.url === '/api/slow').length, 0);
  });
});

describe('HTTP/2', () => {
  test('a stream-reset flood closes that connection; other clients keep being served', async (t) => {
    const { server, port } = await ordersSidecar(t, { h2_max_resets_per_second: 20 });
    const flood = await h2Session(t, port, pki.web);
    for (let i = 0; i < 200 && !flood.destroyed && !flood.closed; i++) {
      const s = flood.request({ ':method': 'GET', ':path': '/api/x' });
      s.on('error', () => undefined);
      s.close(constants.NGHTTP2_CANCEL);
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    // The server notices on its side; poll its counter rather than timing anything.
    let flagged: string | undefined;
    for (let i = 0; i < 100 && flagged === undefined; i++) {
      flagged = await metric(server, /reason="h2_reset_flood"\} 1/);
      if (flagged === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(flagged, 'the flood was detected and the connection closed');
    const other = await h2Session(t, port, pki.web);
    const r = await h2Request(other, { ':method': 'GET', ':path': '/api/after' });
    assert.equal(r.headers[':status'], 200);
  });
});

describe('policy that never returns', () => {
  test('times out to a denial, the worker is replaced, and later requests are decided', async (t) => {
    const evaluator = await WorkerEvaluator.start({
      // The fixture has this file's extension: .ts under tsx, .js when compiled.
      moduleUrl: new URL(`./fixtures/hanging-policy${import.meta.url.slice(-3)}`, import.meta.url).href,
      options: {},
      timeoutMs: 300,
    });
    t.after(() => evaluator.close());
    const app = await startH1Echo(t);
    const server = await sidecarFor(
      t,
      ORDERS,
      pki.orders,
      { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }] },
      { policyEngine: staticEngine(evaluator) },
    );
    const port = server.inbound[0]?.port as number;
    const [hung, meanwhile] = await Promise.all([
      tlsExchange(port, pki.web, 'GET /hang HTTP/1.1\r\nhost: o\r\nconnection: close\r\n\r\n'),
      tlsExchange(port, pki.web, GOOD_REQUEST),
    ]);
    assert.match(hung.data, /^HTTP\/1\.1 403/);
    assert.match(hung.data, /"reason":"policy evaluation timed out"/);
    assert.match(
      meanwhile.data,
      /^HTTP\/1\.1 (200|403)/,
      'the event loop kept serving while the policy hung',
    );
    const after = await tlsExchange(port, pki.web, GOOD_REQUEST);
    assert.match(after.data, /^HTTP\/1\.1 200/);
    const thrown = await tlsExchange(
      port,
      pki.web,
      'GET /throw HTTP/1.1\r\nhost: o\r\nconnection: close\r\n\r\n',
    );
    assert.match(thrown.data, /"reason":"policy evaluation failed"/);
  });
});
