/**
 * @module http.send against a real HTTP server on loopback. The server runs in a worker thread, because the
 * builtin blocks the calling thread while it waits (builtins are synchronous).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { ObjectValue } from '../../../policy/value/index.js';
import { call, context } from './harness.js';

const SERVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (req.url === '/redirect') { res.writeHead(302, { location: '/json' }); return res.end(); }
    if (req.url === '/yaml') { res.setHeader('content-type', 'application/yaml'); return res.end('a: 1'); }
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-test', 'yes');
    res.end(JSON.stringify({ method: req.method, url: req.url, body, ct: req.headers['content-type'] || null }));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

test('http.send talks to a real server', async (t) => {
  const worker = new Worker(SERVER, { eval: true });
  t.after(() => worker.terminate());
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  const base = `http://127.0.0.1:${port}`;
  const ctx = context({ network: 'allow' });

  const res = call(
    'http.send',
    [{ method: 'post', url: `${base}/json`, body: { a: 1 } }],
    ctx,
  ) as ObjectValue;
  assert.equal(res.get('status_code'), 200);
  assert.equal(res.get('status'), '200 OK');
  const body = res.get('body') as ObjectValue;
  assert.equal(body.get('method'), 'POST');
  assert.equal(body.get('body'), '{"a":1}', 'JSON body marshalled');
  assert.equal(body.get('ct'), 'application/json', 'content type set for JSON bodies');
  assert.deepEqual(
    (res.get('headers') as ObjectValue).get('x-test'),
    ['yes'],
    'headers lowercased, as arrays',
  );

  const again = call('http.send', [{ method: 'post', url: `${base}/json`, body: { a: 1 } }], ctx);
  assert.equal(again, res, 'identical requests are answered from the per-evaluation cache');

  const noFollow = call('http.send', [{ method: 'get', url: `${base}/redirect` }], ctx) as ObjectValue;
  assert.equal(noFollow.get('status_code'), 302, 'redirects are not followed by default');
  const followed = call(
    'http.send',
    [{ method: 'get', url: `${base}/redirect`, enable_redirect: true }],
    ctx,
  ) as ObjectValue;
  assert.equal((followed.get('body') as ObjectValue).get('url'), '/json');

  const yaml = call('http.send', [{ method: 'get', url: `${base}/yaml` }], ctx) as ObjectValue;
  assert.equal((yaml.get('body') as ObjectValue).get('a'), 1, 'YAML bodies are decoded');

  const refused = call(
    'http.send',
    [{ method: 'get', url: 'http://127.0.0.1:1/', raise_error: false }],
    ctx,
  ) as ObjectValue;
  assert.equal(refused.get('status_code'), 0, 'raise_error: false reports the failure in the response');
  assert.equal((refused.get('error') as ObjectValue).get('code'), 'eval_http_send_network_error');
});

test('http.send validates the request object', () => {
  const ctx = context({ network: 'allow' });
  // Validation comes first and reports operand type errors, even where the network is denied.
  for (const c of [ctx, context()]) {
    assert.throws(
      () => call('http.send', [{ method: 'get', url: 'http://x', bad_key: 1 }], c),
      (e: unknown) =>
        (e as { regoCode?: string }).regoCode === 'eval_type_error' &&
        /operand 1 invalid request parameters\(s\): \{"bad_key"\}/.test(String(e)),
    );
    assert.throws(
      () => call('http.send', [{ method: 'get' }], c),
      (e: unknown) =>
        (e as { regoCode?: string }).regoCode === 'eval_type_error' &&
        /missing required request parameters\(s\): \{"url"\}/.test(String(e)),
    );
  }
  assert.throws(
    () => call('http.send', ['x'], ctx),
    (e: unknown) =>
      (e as { regoCode?: string }).regoCode === 'eval_type_error' &&
      /operand 1 must be object but got string/.test(String(e)),
  );
});
