/**
 * @module Found in review: a gRPC caller that cancelled its call (a deadline, say) while the policy was
 * still deciding a denial crashed the sidecar: the trailers-only refusal was written with `respond()` on a
 * stream already closed, which throws ERR_HTTP2_INVALID_STREAM, and with worker isolation (the default)
 * that throw escaped as an unhandled rejection. The sidecar runs in this process: a crash fails the test.
 */
import assert from 'node:assert/strict';
import { constants } from 'node:http2';
import { before, test } from 'node:test';
import { WorkerEvaluator } from '../../sidecar/authz/worker-evaluator.js';
import { staticEngine } from '../../sidecar/index.js';
import { h2Request, h2Session, startH2cEcho } from '../helpers/net.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

/** Denies everything after 300 ms, in a worker (the proxy keeps running meanwhile). */
const SLOW_DENY = `data:text/javascript,${encodeURIComponent(
  `export function createEvaluator() {
  return { evaluate() { const until = Date.now() + 300; while (Date.now() < until) {} return { allow: false, reason: 'rule deny-all' }; } };
}`,
)}`;

test('a gRPC call cancelled while its denial is being decided', { timeout: 20_000 }, async (t) => {
  const evaluator = await WorkerEvaluator.start({ moduleUrl: SLOW_DENY, options: {}, timeoutMs: 5000 });
  t.after(() => evaluator.close());
  const app = await startH2cEcho(t);
  const audit = memoryAudit();
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, app_protocol: 'h2c' }] },
    { policyEngine: staticEngine(evaluator), auditSink: audit },
  );
  const session = await h2Session(t, server.inbound[0]?.port as number, pki.web);
  const call = { ':method': 'POST', ':path': '/orders.v1.Orders/Get', 'content-type': 'application/grpc' };
  const cancelled = session.request(call);
  cancelled.on('error', () => undefined);
  cancelled.end();
  await new Promise((r) => setTimeout(r, 50));
  cancelled.close(constants.NGHTTP2_CANCEL);

  // The next call, on the same connection, is decided and refused as usual.
  const next = await h2Request(session, call);
  assert.equal(next.headers['grpc-status'], '7');
  assert.equal(next.headers['grpc-message'], 'rule deny-all');
  assert.deepEqual(
    audit.events.map((e) => [e.decision, e.reason]),
    [
      ['deny', 'rule deny-all'],
      ['deny', 'rule deny-all'],
    ],
  );
  assert.equal(app.seen.length, 0);
});
