/**
 * @module The policy input builder: shape, credential stripping, path and query parsing, gRPC fields.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpInput, inputContext, sourceOf } from '../../sidecar/authz/input.js';

const dest = { principal: 'spiffe://td/ns/a/sa/b', service: 'b', port: 15006 };
const peer = { principal: 'spiffe://td/ns/a/sa/c', trustDomain: 'td', namespace: 'a', serviceAccount: 'c' };
const tls = { tls_version: 'TLSv1.3', alpn: 'h2' };

test('headers are lowercased, credentials removed unless configured, internal headers hidden', () => {
  const cases = [
    { note: 'default', include: [] as string[], want: { accept: '*/*', 'x-multi': 'a, b' } },
    {
      note: 'authorization requested',
      include: ['authorization'],
      want: { accept: '*/*', authorization: 'Bearer t', 'x-multi': 'a, b' },
    },
  ];
  for (const c of cases) {
    const input = httpInput(
      inputContext(dest, c.include),
      sourceOf(peer, '1.2.3.4', 5),
      tls,
      'id',
      'h2',
      'GET',
      '/',
      'b',
      {
        accept: '*/*',
        authorization: 'Bearer t',
        cookie: 's=1',
        'x-forwarded-client-cert': 'By=x',
        'x-multi': ['a', 'b'],
        ':authority': 'b',
      },
      0,
    );
    assert.deepEqual(input.request.headers, c.want, c.note);
  }
});

test('path segments and query are decoded; gRPC names are split out', () => {
  const ctx = inputContext(dest, []);
  const a = httpInput(
    ctx,
    sourceOf(peer, '', 0),
    tls,
    'id',
    'http/1.1',
    'GET',
    '/api//v1/a%20b/?x=1&x=2&y=a+b&z',
    'h',
    {},
    7,
  );
  assert.equal(a.request.path, '/api//v1/a%20b/');
  assert.deepEqual(a.request.path_segments, ['api', 'v1', 'a b']);
  assert.deepEqual(a.request.query, { x: ['1', '2'], y: ['a b'], z: [''] });
  assert.equal(a.time.unix_ms, 7);
  assert.equal(a.version, 1);
  const g = httpInput(ctx, sourceOf(peer, '', 0), tls, 'id', 'grpc', 'POST', '/pkg.Svc/Get', 'h', {}, 0);
  assert.deepEqual(g.request.grpc, { service: 'pkg.Svc', method: 'Get' });
  const bad = httpInput(ctx, sourceOf(undefined, '', 0), tls, 'id', 'http/1.1', 'GET', '/%zz', 'h', {}, 0);
  assert.deepEqual(bad.request.path_segments, ['%zz'], 'malformed escapes are kept, not dropped');
  assert.equal(bad.source.mtls, false);
  assert.equal(bad.source.principal, '');
});
