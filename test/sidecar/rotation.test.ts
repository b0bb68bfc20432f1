/**
 * @module Certificate rotation on live sidecars: both sides get new SVIDs (as `palisade cert rotate` or a
 * renewal writes them) while requests flow on kept-alive and on fresh connections. Nothing may fail, and
 * new handshakes must present the new certificate.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Agent, request } from 'node:http';
import { before, test } from 'node:test';
import { startH1Echo, tlsOpen } from '../helpers/net.js';
import { makePki, ORDERS, type Pki, sidecarFor, WEB } from './fixtures/mesh.js';
import { issueSvid, writeSvidDir } from './fixtures/pki.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

function get(port: number, agent: Agent | false): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/orders', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

test('SVIDs rotated on both sides under traffic: no request fails, new handshakes use the new SVID', {
  timeout: 120_000,
}, async (t) => {
  const app = await startH1Echo(t);
  const server = await sidecarFor(t, ORDERS, pki.orders, {
    inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
  });
  const client = await sidecarFor(t, WEB, pki.web, {
    outbound: [
      { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
    ],
  });
  const port = client.outbound[0]?.port as number;
  const oldSerial = server.identity.store.info.serial;

  // Traffic: four kept-alive callers and one that opens a new connection per request.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  t.after(() => agent.destroy());
  const statuses: number[] = [];
  let running = true;
  const worker = async (a: Agent | false) => {
    while (running) statuses.push(await get(port, a));
  };
  const workers = [worker(agent), worker(agent), worker(agent), worker(agent), worker(false)];

  await new Promise((r) => setTimeout(r, 300));
  const [newOrders, newWeb] = [await issueSvid(pki.ca, ORDERS), await issueSvid(pki.ca, WEB)];
  await writeSvidDir(server.svidDir, newOrders);
  await writeSvidDir(client.svidDir, newWeb);
  const newSerial = new X509Certificate(newOrders.certPem).serialNumber.toLowerCase();
  // The SVID directories are polled every 2 s; wait for both swaps, then keep traffic going a little.
  for (let i = 0; i < 100; i++) {
    if (
      server.identity.store.info.serial === newSerial &&
      client.identity.store.info.serial !== new X509Certificate(pki.web.certPem).serialNumber.toLowerCase()
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Keep traffic going until a fixed number of requests has crossed the swap (a count, not a time: on a
  // loaded machine 300 ms may carry only a handful).
  const beforeSwap = statuses.length;
  for (let i = 0; i < 200 && statuses.length < beforeSwap + 30; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  running = false;
  await Promise.all(workers);

  assert.notEqual(oldSerial, newSerial);
  assert.equal(server.identity.store.info.serial, newSerial, 'the server swapped in its new SVID');
  assert.ok(beforeSwap > 0, `traffic flowed before the swap (${beforeSwap} requests)`);
  assert.ok(
    statuses.length >= beforeSwap + 30,
    `traffic flowed after the swap (${statuses.length - beforeSwap} requests)`,
  );
  const failed = statuses.filter((s) => s !== 200);
  assert.deepEqual(failed, [], `${failed.length} of ${statuses.length} requests failed during rotation`);

  const socket = await tlsOpen(server.inbound[0]?.port as number, pki.web, ['http/1.1']);
  const presented = socket.getPeerX509Certificate()?.serialNumber.toLowerCase();
  socket.destroy();
  assert.equal(presented, newSerial, 'a new handshake presents the new SVID');
});
