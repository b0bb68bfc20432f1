/**
 * @module Found in review, at the policy's edges, through a real sidecar. In: the peer's own `x-request-id`
 * and hop-by-hop headers such as `transfer-encoding` reached `input.request.headers` (documented as removed;
 * the sidecar's id is `request.id`). Out: a long policy reason went whole into `grpc-message`, and past the
 * peer's header limit the caller got a reset stream with no `grpc-status` at all instead of
 * PERMISSION_DENIED.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type PolicyInput, staticEngine } from '../../sidecar/index.js';
import { GRPC_MESSAGE_MAX } from '../../sidecar/rescue.js';
import { h2Request, h2Session, startH1Echo, startH2cEcho, tlsExchange } from '../helpers/net.js';
import { makePki, ORDERS, type Pki, sidecarFor } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

test('the policy sees neither the peer x-request-id nor hop-by-hop headers', async (t) => {
  const app = await startH1Echo(t);
  const inputs: PolicyInput[] = [];
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }] },
    {
      policyEngine: staticEngine({
        evaluate: (input: PolicyInput) => {
          inputs.push(input);
          return { allow: true, reason: 'ok' };
        },
      }),
    },
  );
  const request =
    'POST /api/x HTTP/1.1\r\nhost: orders\r\nx-request-id: forged\r\ntransfer-encoding: chunked\r\n' +
    'trailer: x-sum\r\nproxy-connection: keep-alive\r\nx-kept: yes\r\nconnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
  const r = await tlsExchange(server.inbound[0]?.port as number, pki.web, request);
  assert.match(r.data, /^HTTP\/1\.1 200/);
  const input = inputs[0] as PolicyInput;
  assert.deepEqual(input.request.headers, { host: 'orders', 'x-kept': 'yes' });
  // The app gets the sidecar's id, the one the policy saw as request.id.
  assert.equal(app.seen[0]?.headers['x-request-id'], input.request.id);
});

test('a long reason still reaches a gRPC caller as PERMISSION_DENIED, cut short', async (t) => {
  const app = await startH2cEcho(t);
  const reason = `rule deny: ${'é\r\n'.repeat(40_000)}`;
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    { inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, app_protocol: 'h2c' }] },
    { policyEngine: staticEngine({ evaluate: () => ({ allow: false, reason }) }) },
  );
  const session = await h2Session(t, server.inbound[0]?.port as number, pki.web);
  const r = await h2Request(session, {
    ':method': 'POST',
    ':path': '/orders.v1.Orders/Get',
    'content-type': 'application/grpc',
  });
  assert.equal(r.headers[':status'], 200);
  assert.equal(r.headers['grpc-status'], '7');
  const message = String(r.headers['grpc-message']);
  assert.ok(message.length <= GRPC_MESSAGE_MAX, `grpc-message is ${message.length} characters`);
  assert.ok(message.length > GRPC_MESSAGE_MAX - 20, 'as much as fits is kept');
  assert.ok(reason.startsWith(decodeURIComponent(message)), 'a prefix of the reason, cut between characters');
  assert.equal(app.seen.length, 0);

  // Plain HTTP callers get the whole reason in the JSON body.
  const h1 = await tlsExchange(
    server.inbound[0]?.port as number,
    pki.web,
    'GET /api/x HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n',
  );
  assert.match(h1.data, /^HTTP\/1\.1 403/);
  assert.equal(
    (JSON.parse(h1.data.slice(h1.data.indexOf('\r\n\r\n') + 4)) as { reason: string }).reason,
    reason,
  );
});
