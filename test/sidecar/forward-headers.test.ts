/**
 * @module Header rules shared by the forwarders and the policy input: what the Connection header nominates is
 * gone for both, and gRPC's `te: trailers` reaches an HTTP/2 app (real HTTP/2 sockets on loopback).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { httpInput, inputContext, sourceOf } from '../../sidecar/authz/input.js';
import { upstreamRequestHeaders } from '../../sidecar/protocols/forward.js';
import { h2cForwarder } from '../../sidecar/protocols/forward-h2c.js';

const dest = { principal: 'spiffe://td/ns/a/sa/b', service: 'b', port: 15006 };

test('a header the Connection header names reaches neither the app nor the policy', () => {
  const headers = {
    connection: 'keep-alive, X-User , close',
    'x-user': 'admin',
    'x-other': '1',
  };
  const upstream = upstreamRequestHeaders(headers, '', 'rid');
  assert.equal(upstream['x-user'], undefined);
  assert.equal(upstream['x-other'], '1');
  const input = httpInput(
    inputContext(dest, []),
    sourceOf(undefined, '', 0),
    { tls_version: '', alpn: '' },
    'rid',
    'http/1.1',
    'GET',
    '/',
    'b',
    headers,
    0,
  );
  assert.deepEqual(input.request.headers, { 'x-other': '1' });
  // Connection: close / keep-alive alone nominate nothing.
  assert.equal(upstreamRequestHeaders({ connection: 'close', 'x-user': 'a' }, '', 'r')['x-user'], 'a');
});

test("gRPC's te: trailers is passed to an HTTP/2 app, and no TE is made up for a caller that sent none", async (t) => {
  const seen: Array<string | undefined> = [];
  const app = http2.createServer((req, res) => {
    seen.push(req.headers.te as string | undefined);
    res.end('ok');
  });
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  t.after(() => app.close());
  const forwarder = h2cForwarder({
    host: '127.0.0.1',
    port: (app.address() as AddressInfo).port,
    timeoutMs: 5000,
  });
  t.after(() => forwarder.close());
  const front = http2.createServer((req, res) => {
    forwarder.forward(req, res, '', 'rid', {}, () => undefined);
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  t.after(() => front.close());
  const client = http2.connect(`http://127.0.0.1:${(front.address() as AddressInfo).port}`);
  t.after(() => client.close());
  // (Node's HTTP/2 client refuses any other TE value itself, as RFC 9113 §8.2.2 requires.)
  for (const te of ['trailers', undefined]) {
    const stream = client.request({ ':path': '/svc/M', ...(te === undefined ? {} : { te }) });
    stream.resume();
    await once(stream, 'end');
  }
  assert.deepEqual(seen, ['trailers', undefined]);
});
