/**
 * @module Found in review: `policy.timeout` ("slower decisions are denials") held only with worker
 * isolation. Inline, a decision that took far longer than the timeout still let the request through. A
 * real Wasm policy that is slow on one path, through a real sidecar.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildPolicyBundle } from '../../sidecar/up/policy-bundle.js';
import { startH1Echo, tlsExchange } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

// /slow walks 800 x 800 pairs (hundreds of milliseconds); everything else is decided at once.
const POLICY = `package palisade.authz

import rego.v1

allow if input.request.path == "/fast"

allow if {
	input.request.path == "/slow"
	some i in numbers.range(1, 800)
	some j in numbers.range(1, 800)
	i * j == 640000
}
`;

test('an inline decision slower than policy.timeout is a denial', async (t) => {
  const root = await tempDir(t, 'palisade-inline-timeout-');
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'authz.rego'), POLICY);
  await buildPolicyBundle(join(root, 'src'), join(root, 'bundle'));
  const app = await startH1Echo(t);
  const audit = memoryAudit();
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
      policy: { bundle: join(root, 'bundle'), isolation: 'inline', timeout: '50ms' },
    },
    { auditSink: audit },
  );
  const port = server.inbound[0]?.port as number;
  const ask = (path: string) =>
    tlsExchange(port, pki.web, `GET ${path} HTTP/1.1\r\nhost: orders\r\nconnection: close\r\n\r\n`);

  assert.match((await ask('/fast')).data, /^HTTP\/1\.1 200/);
  const slow = await ask('/slow');
  assert.match(slow.data, /^HTTP\/1\.1 403/);
  assert.match(slow.data, /"reason":"policy evaluation timed out"/);
  assert.deepEqual(
    app.seen.map((e) => e.url),
    ['/fast'],
  );
  assert.deepEqual(
    audit.events.map((e) => [e.decision, e.request.path]),
    [
      ['allow', '/fast'],
      ['error', '/slow'],
    ],
  );
});
