/**
 * @module Found in review: the worker isolation's deadline only worked until the queue first drained. The
 * evaluator cleared its one timer when the last reply came and later re-armed it with `refresh()`, which
 * does nothing on a cleared timer; so once any evaluation had completed (the sidecar's preflight on sample
 * inputs always does), a policy that never returned stalled every later request instead of being denied
 * and replaced. And a call that timed out while a replacement worker was still loading killed that worker
 * and started another: with loading slower than one timeout and steady traffic, no worker ever came up.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { sampleInputs } from '../../sidecar/authz/samples.js';
import { WorkerEvaluator } from '../../sidecar/authz/worker-evaluator.js';
import { staticEngine } from '../../sidecar/index.js';
import { startH1Echo, tlsExchange } from '../helpers/net.js';
import { makePki, ORDERS, type Pki, sidecarFor } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

const HANGING = new URL(`./fixtures/hanging-policy${import.meta.url.slice(-3)}`, import.meta.url).href;
const request = (path: string) => `GET ${path} HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n`;

// A generous test timeout: without the fix the hanging call is never answered.
test('a hanging policy is cut off after earlier evaluations completed', { timeout: 20_000 }, async (t) => {
  const evaluator = await WorkerEvaluator.start({ moduleUrl: HANGING, options: {}, timeoutMs: 200 });
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
  // Drain the queue once (twice, so an idle timer that already fired is covered too).
  assert.match((await tlsExchange(port, pki.web, request('/api/first'))).data, /^HTTP\/1\.1 200/);
  await new Promise((r) => setTimeout(r, 300));
  assert.match((await tlsExchange(port, pki.web, request('/api/second'))).data, /^HTTP\/1\.1 200/);

  const hung = await tlsExchange(port, pki.web, request('/hang'));
  assert.match(hung.data, /^HTTP\/1\.1 403/);
  assert.match(hung.data, /"reason":"policy evaluation timed out"/);
  // The replacement worker decides what comes next (calls made while it loads may time out on a loaded
  // machine), and it is cut off again when it hangs.
  let after = '';
  for (let i = 0; i < 50 && !after.startsWith('HTTP/1.1 200'); i++) {
    after = (await tlsExchange(port, pki.web, request('/api/after'))).data;
    if (!after.startsWith('HTTP/1.1 200')) await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(after, /^HTTP\/1\.1 200/);
  assert.match((await tlsExchange(port, pki.web, request('/hang'))).data, /timed out/);
  assert.deepEqual(
    app.seen.map((e) => e.url),
    ['/api/first', '/api/second', '/api/after'],
  );
});

/** A policy module that takes `loadMs` to load (busy, as compiling a large Wasm module is) and hangs on /hang. */
function slowLoadingPolicy(loadMs: number): string {
  const source = `const until = Date.now() + ${loadMs}; while (Date.now() < until) {}
export function createEvaluator() {
  return { evaluate(input) { if (input.request.path === '/hang') for (;;) {} return { allow: true, reason: 'ok' }; } };
}`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

test('calls timing out while a replacement loads do not restart it again', { timeout: 20_000 }, async (t) => {
  let restarts = 0;
  const evaluator = await WorkerEvaluator.start({
    moduleUrl: slowLoadingPolicy(300),
    options: {},
    timeoutMs: 50,
    onRestart: () => restarts++,
  });
  t.after(() => evaluator.close());
  const sample = sampleInputs()[0] as typeof sampleInputs extends () => (infer I)[] ? I : never;
  const at = (path: string) => ({ ...sample, request: { ...sample.request, path } });
  await assert.rejects(evaluator.evaluate(at('/hang')), /did not answer within 50ms/);
  // One call at a time while the replacement loads: each may be denied for waiting, none restarts it.
  const outcomes: string[] = [];
  for (let i = 0; i < 100 && outcomes.at(-1) !== 'allowed'; i++) {
    outcomes.push(
      await evaluator.evaluate(at('/api/x')).then(
        (d) => (d.allow === true ? 'allowed' : 'denied'),
        (e: Error) => e.message,
      ),
    );
  }
  assert.equal(
    outcomes.at(-1),
    'allowed',
    `a replacement came up (${outcomes.length} calls, the last: ${outcomes.at(-1)})`,
  );
  assert.equal(restarts, 1, 'only the hanging call replaced the worker');
});
