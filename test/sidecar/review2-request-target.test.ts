/**
 * @module Found in a second review: two ways a caller could make the app route on something other than what the
 * policy decided on. A `..` segment ended by a fragment (`/public/..#`: WHATWG URL parsing cuts the fragment and
 * resolves the path to `/`, while the policy saw the segment `..#`), and `Connection: host` (the forwarder
 * dropped the nominated Host, so an HTTP/1.1 app got undici's default `127.0.0.1:<port>` instead of the host the
 * policy checked), and a path starting with `//` (`new URL('//evil/admin', base)` is path `/admin` on host
 * `evil`, while the policy saw `//evil/admin`). Through a real sidecar.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type PolicyInput, staticEngine } from '../../sidecar/index.js';
import { hasAuthorityPrefix, hasDotSegment } from '../../sidecar/protocols/request-target.js';
import { startH1Echo, tlsExchange } from '../helpers/net.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

async function ordersSidecar(t: Parameters<typeof sidecarFor>[0]) {
  const app = await startH1Echo(t);
  const inputs: PolicyInput[] = [];
  const engine = staticEngine({
    evaluate(input: PolicyInput) {
      inputs.push(input);
      return { allow: true, reason: 'ok' };
    },
  });
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, app_protocol: 'http1' }] },
    { policyEngine: engine, auditSink: memoryAudit() },
  );
  return { app, inputs, port: server.inbound[0]?.port as number };
}

test('a dot segment ended by a fragment counts as a dot segment', () => {
  // What an app's URL parser makes of them: the fragment goes, the dot segment is resolved.
  for (const path of ['/public/..#', '/public/..#/admin', '/public/.#x', '/public/%2e%2e#']) {
    assert.notEqual(new URL(path, 'http://x').pathname, path.slice(0, path.indexOf('#')), path);
    assert.equal(hasDotSegment(path), true, path);
  }
  // A fragment is not path: dots in it, or after a query, change nothing.
  for (const path of ['/public/x#..', '/public/x#/../admin', '/public/x?a=1#..', '/a..b#c']) {
    assert.equal(hasDotSegment(path), false, path);
  }
});

test('GET /public/..# is refused with 400 and reaches neither the policy nor the app', async (t) => {
  const { app, inputs, port } = await ordersSidecar(t);
  const r = await tlsExchange(
    port,
    pki.web,
    'GET /public/..# HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n',
  );
  assert.match(r.data, /^HTTP\/1\.1 400/);
  assert.equal(app.seen.length, 0);
  assert.equal(inputs.length, 0);
});

test('Connection: host does not take the Host away from the app', async (t) => {
  const { app, inputs, port } = await ordersSidecar(t);
  const r = await tlsExchange(
    port,
    pki.web,
    'GET /x HTTP/1.1\r\nhost: orders.example\r\nconnection: close, host\r\n\r\n',
  );
  assert.match(r.data, /^HTTP\/1\.1 200/);
  assert.equal(inputs[0]?.request.host, 'orders.example');
  assert.equal(app.seen[0]?.headers.host, 'orders.example', 'the app routes on the host the policy checked');
});

test('a path starting with // (or /\\) is refused: URL parsers read its first segment as a host', async (t) => {
  for (const path of ['//evil/admin', '/\\evil/admin', '///admin']) {
    assert.notEqual(new URL(path, 'http://orders').host, 'orders', path);
    assert.equal(hasAuthorityPrefix(path), true, path);
  }
  const { app, inputs, port } = await ordersSidecar(t);
  for (const target of ['//evil/admin', '/\\evil/admin', 'http://orders//evil/admin']) {
    const r = await tlsExchange(
      port,
      pki.web,
      `GET ${target} HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n`,
    );
    assert.match(r.data, /^HTTP\/1\.1 400/, target);
  }
  assert.equal(app.seen.length, 0);
  assert.equal(inputs.length, 0);
  // Empty segments further on are kept by URL parsers, so they pass.
  const r = await tlsExchange(
    port,
    pki.web,
    'GET /api//v1 HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n',
  );
  assert.match(r.data, /^HTTP\/1\.1 200/);
  assert.equal(new URL('/api//v1', 'http://orders').pathname, '/api//v1');
});
