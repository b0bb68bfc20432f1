/**
 * @module Found in review: a connection reset at the wrong moment crashed the sidecar (an 'error' event with
 * no listener). A plaintext TCP connection on a PERMISSIVE port reset while its authorization was pending,
 * and an application connection to an outbound listener reset while the upstream was still being dialed.
 * The sidecars run in this process: a crash fails the test.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { before, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { WorkerEvaluator } from '../../sidecar/authz/worker-evaluator.js';
import { staticEngine } from '../../sidecar/index.js';
import { httpGet, startTcpEcho, tlsExchange } from '../helpers/net.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor, WEB } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

/** A policy that takes 300 ms to allow anything (in a worker, so the proxy keeps running meanwhile). */
const SLOW_ALLOW = `data:text/javascript,${encodeURIComponent(
  `export function createEvaluator() {
  return { evaluate() { const until = Date.now() + 300; while (Date.now() < until) {} return { allow: true, reason: 'slow' }; } };
}`,
)}`;

async function connected(port: number): Promise<Socket> {
  const socket = netConnect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

test('a TCP connection reset while its authorization is pending', { timeout: 20_000 }, async (t) => {
  const evaluator = await WorkerEvaluator.start({ moduleUrl: SLOW_ALLOW, options: {}, timeoutMs: 5000 });
  t.after(() => evaluator.close());
  const app = await startTcpEcho(t);
  const audit = memoryAudit();
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    { inbound: [{ port: 0, protocol: 'tcp', app: `127.0.0.1:${app.port}`, mtls: 'permissive' }] },
    { policyEngine: staticEngine(evaluator), auditSink: audit },
  );
  const port = server.inbound[0]?.port as number;

  const plaintext = await connected(port);
  plaintext.write('hello');
  await new Promise((r) => setTimeout(r, 50));
  plaintext.resetAndDestroy();

  const raw = await connected(port);
  const tls = tlsConnect({
    socket: raw,
    key: pki.web.keyPem,
    cert: pki.web.certPem,
    rejectUnauthorized: false,
  });
  tls.on('error', () => undefined);
  await once(tls, 'secureConnect');
  tls.write('hello');
  await new Promise((r) => setTimeout(r, 50));
  raw.resetAndDestroy();

  // Both decisions finish after the resets; neither connection is carried to the app.
  for (let i = 0; i < 100 && audit.events.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    audit.events.map((e) => [e.decision, e.reason]),
    [
      ['error', 'caller closed the connection before it was authorized'],
      ['error', 'caller closed the connection before it was authorized'],
    ],
  );
  const echoed = await tlsExchange(port, pki.web, 'ping', 5000, (d) => d.includes('ping'));
  assert.equal(echoed.data, 'ping', 'the sidecar still serves');
});

test('an application connection reset while the upstream is being dialed', { timeout: 20_000 }, async (t) => {
  // An upstream that accepts TCP and never answers the TLS handshake: the dial waits for connect_timeout.
  // (It reads and discards, so it sees the dialer's close and lets go.)
  const silent = createServer((s) => {
    s.on('error', () => undefined);
    s.resume();
  });
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  t.after(() => new Promise((r) => silent.close(r)));
  const client = await sidecarFor(t, WEB, pki.web, {
    outbound: [
      {
        port: 0,
        service: 'orders',
        address: `127.0.0.1:${(silent.address() as { port: number }).port}`,
        identity: ORDERS,
        warm_connections: 0,
        connect_timeout: '1s',
      },
    ],
  });
  const port = client.outbound[0]?.port as number;
  const app = await connected(port);
  app.write('GET /api/x HTTP/1.1\r\nhost: orders\r\n\r\n');
  await new Promise((r) => setTimeout(r, 100));
  app.resetAndDestroy();
  // Past the dial's timeout, the listener still answers (503: the upstream never completes a handshake).
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal((await httpGet(port, '/api/x')).status, 503);
});
