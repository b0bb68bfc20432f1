/**
 * @module Policy bundles on a live sidecar: a changed bundle is picked up without a restart, a bundle that
 * fails to load keeps the last good policy in force (reported in /config and the reload metric), and with
 * `policy.verification_key` only bundles whose OPA-format signature verifies are loaded.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { buildBundle, packBundle, readBundle } from '../../policy/wasm/bundle.js';
import { signingKeyFrom } from '../../policy/wasm/bundle-sign.js';
import { buildPolicyBundle } from '../../sidecar/up/policy-bundle.js';
import { httpGet, startH1Echo } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { makePki, ORDERS, type Pki, sidecarFor, WEB } from './fixtures/mesh.js';

let pki: Pki;
before(async () => {
  pki = await makePki();
});

/** Compile a one-rule authz policy (allow or deny everything, with `reason`) into a bundle directory. */
async function authzBundle(root: string, name: string, allow: boolean, reason: string): Promise<string> {
  const src = join(root, `${name}-src`);
  await mkdir(src, { recursive: true });
  await writeFile(
    join(src, 'authz.rego'),
    `package palisade.authz\n\nimport rego.v1\n\ndefault allow := false\n\nallow := ${allow}\n\nreason := "${reason}"\n`,
  );
  const out = join(root, name);
  await buildPolicyBundle(src, out);
  return out;
}

async function mesh(t: Parameters<typeof sidecarFor>[0], policy: Record<string, unknown>) {
  const app = await startH1Echo(t);
  const server = await sidecarFor(t, ORDERS, pki.orders, {
    inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}` }],
    policy: { isolation: 'inline', poll_interval: '50ms', ...policy },
  });
  const client = await sidecarFor(t, WEB, pki.web, {
    outbound: [
      { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
    ],
  });
  return { server, port: client.outbound[0]?.port as number };
}

/** Poll until `check` holds (reloads happen on the sidecar's poll interval). */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

async function configOf(port: number): Promise<{ policy: { revision?: string; lastError?: string } }> {
  return JSON.parse((await httpGet(port, '/config')).body);
}

describe('policy hot reload', () => {
  test('a new bundle takes over without a restart; a broken one keeps the last good policy', async (t) => {
    const root = await tempDir(t, 'palisade-reload-');
    const v1 = await authzBundle(root, 'v1', true, 'v1 allows');
    const v2 = await authzBundle(root, 'v2', false, 'v2 denies');
    const live = join(root, 'live');
    await mkdir(live);
    const install = async (from: string) => {
      // The module last, as `policy build` and buildPolicyBundle write it.
      for (const f of ['data.json', '.manifest', 'policy.wasm'])
        await writeFile(join(live, f), await readFile(join(from, f)));
    };
    await install(v1);
    const { server, port } = await mesh(t, { bundle: live });
    assert.equal((await httpGet(port, '/api/x')).status, 200);

    await install(v2);
    await eventually('v2 in force', async () => (await httpGet(port, '/api/x')).status === 403);
    const denied = await httpGet(port, '/api/x');
    assert.equal(JSON.parse(denied.body).reason, 'v2 denies');
    const goodRevision = (await configOf(server.admin.port)).policy.revision;

    await writeFile(join(live, 'policy.wasm'), 'this is not WebAssembly');
    await eventually(
      'the failed reload reported',
      async () => (await configOf(server.admin.port)).policy.lastError !== undefined,
    );
    const status = (await configOf(server.admin.port)).policy;
    assert.equal(status.revision, goodRevision, 'the last good policy stays in force');
    assert.match(String(status.lastError), /Wasm module does not load|cannot/);
    assert.equal(JSON.parse((await httpGet(port, '/api/x')).body).reason, 'v2 denies');
    const metrics = (await httpGet(server.admin.port, '/metrics')).body;
    assert.match(metrics, /palisade_sidecar_policy_reloads_total\{result="error"\} [1-9]/);
    assert.match(metrics, /palisade_sidecar_policy_reloads_total\{result="ok"\} 2/);
  });
});

describe('signed policy bundles', () => {
  test('only bundles signed by the configured key load; tampered and unsigned ones are refused', async (t) => {
    const root = await tempDir(t, 'palisade-signed-');
    const allowDir = await authzBundle(root, 'allow', true, 'signed allow');
    const denyDir = await authzBundle(root, 'deny', false, 'signed deny');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(join(root, 'signer.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const signingKey = signingKeyFrom(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const entrypoints = ['palisade/authz/allow', 'palisade/authz/reason'];
    const signed = async (dir: string, revision: string) =>
      buildBundle({ wasm: await readFile(join(dir, 'policy.wasm')), entrypoints, revision, signingKey });
    const bundle = join(root, 'bundle.tar.gz');
    await writeFile(bundle, await signed(allowDir, 'signed-1'));

    const { server, port } = await mesh(t, {
      bundle,
      verification_key: join(root, 'signer.pub.pem'),
    });
    assert.equal((await configOf(server.admin.port)).policy.revision, 'signed-1');
    assert.equal((await httpGet(port, '/api/x')).status, 200);

    // Tampered: the deny module swapped in under the original signature.
    const original = await readBundle(await readFile(bundle));
    const files = new Map(original.files);
    files.set('/policy.wasm', await readFile(join(denyDir, 'policy.wasm')));
    await writeFile(bundle, await packBundle(files));
    await eventually(
      'the tampered bundle refused',
      async () => (await configOf(server.admin.port)).policy.lastError !== undefined,
    );
    assert.match(String((await configOf(server.admin.port)).policy.lastError), /hash|signature/i);
    assert.equal((await httpGet(port, '/api/x')).status, 200, 'the signed policy stays in force');

    // Unsigned: refused as well.
    await writeFile(
      bundle,
      await buildBundle({
        wasm: await readFile(join(denyDir, 'policy.wasm')),
        entrypoints,
        revision: 'unsigned',
      }),
    );
    await eventually('the unsigned bundle refused', async () =>
      /not signed/.test(String((await configOf(server.admin.port)).policy.lastError)),
    );
    assert.equal((await configOf(server.admin.port)).policy.revision, 'signed-1');

    // A correctly signed new revision is accepted.
    await writeFile(bundle, await signed(denyDir, 'signed-2'));
    await eventually(
      'signed-2 in force',
      async () => (await configOf(server.admin.port)).policy.revision === 'signed-2',
    );
    assert.equal((await httpGet(port, '/api/x')).status, 403);
  });

  test('an unreadable verification key stops the sidecar at start with a config error', async (t) => {
    const root = await tempDir(t, 'palisade-signed-');
    const bundle = await authzBundle(root, 'allow', true, 'x');
    await assert.rejects(
      mesh(t, { bundle, verification_key: join(root, 'missing.pem') }),
      (err: Error & { code?: string }) =>
        err.code === 'ERR_SIDECAR_CONFIG' && /policy\.verification_key: cannot read/.test(err.message),
    );
  });
});
