/**
 * @module Found in review: a peer that stalls in the middle of its TLS ClientHello held its connection
 * forever on STRICT and PERMISSIVE ports alike (Node does not close a socket whose handshake timed out once
 * a 'tlsClientError' listener exists, and PERMISSIVE's hand-made TLS sockets had no handshake timeout at
 * all), so an unauthenticated peer could use up `max_connections`. Now cut off after `headers_timeout`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { before, test } from 'node:test';
import { httpGet, startH1Echo, tlsExchange } from '../helpers/net.js';
import { makePki, ORDERS, type Pki, sidecarFor } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

for (const mtls of ['strict', 'permissive'] as const) {
  // The test's own timeout stands in for "never closed" (the sidecar closes it after 300 ms).
  test(`a stalled TLS handshake is cut off after headers_timeout (${mtls})`, {
    timeout: 15_000,
  }, async (t) => {
    const app = await startH1Echo(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, mtls }],
      limits: { headers_timeout: '300ms', max_connections: 2 },
    });
    const port = server.inbound[0]?.port as number;
    // Two stalled peers fill max_connections; they must be let go for anyone else to get in.
    const stalled = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    for (const socket of stalled) {
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      // A TLS record header announcing a ClientHello that never comes.
      socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x50]));
    }
    await Promise.all(stalled.map((socket) => once(socket, 'close')));
    const metrics = (await httpGet(server.admin.port, '/metrics')).body;
    assert.match(metrics, /palisade_sidecar_tls_failures_total\{[^}]*reason="handshake_timeout"\} 2/);
    const served = await tlsExchange(
      port,
      pki.web,
      'GET /api/ok HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n',
    );
    assert.match(served.data, /^HTTP\/1\.1 200/);
  });
}
