import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import tls from 'node:tls';
import { CertificateAuthority } from '../../citadel/authority.js';
import type { TrustBundle } from '../../citadel/bundle.js';
import { createCsrPem } from '../../citadel/csr.js';
import { generatePrivateKey, type KeyType } from '../../citadel/keys.js';
import { initCa } from '../../citadel/rotation.js';
import { parseSpiffeId } from '../../citadel/spiffe-id.js';
import { meshClientOptions, meshServerOptions, peerSpiffeId, type Svid } from '../../citadel/tls-options.js';
import { TestCA } from '../helpers/test-ca.js';
import { tempDir } from '../helpers/tmp.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const SERVER = parseSpiffeId('spiffe://example.org/ns/shop/sa/api');
const CLIENT = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');

async function issue(ca: CertificateAuthority, id = CLIENT, keyType: KeyType = 'ec-p256'): Promise<Svid> {
  const key = await generatePrivateKey(keyType);
  const r = await ca.issue({ csr: createCsrPem(key, id), requester: 'interop', via: 'local' });
  return { key, chain: r.chain };
}

describe('interoperability with openssl', {
  skip: hasOpenssl ? false : 'openssl not installed (.ci/run installs it)',
}, () => {
  for (const keyType of ['ec-p256', 'rsa-2048'] as const) {
    test(`openssl verify accepts the chain (${keyType} CA and leaf)`, async (t) => {
      const dir = await tempDir(t);
      await initCa({ stateDir: dir, trustDomain: 'example.org', keyType });
      const ca = await CertificateAuthority.open(dir);
      const svid = await issue(ca, CLIENT, keyType);
      const files = {
        bundle: join(dir, 'bundle.pem'),
        inter: join(dir, 'inter.pem'),
        leaf: join(dir, 'leaf.pem'),
      };
      await writeFile(files.bundle, ca.bundle.toPem());
      await writeFile(files.inter, svid.chain[1]!.toPem());
      await writeFile(files.leaf, svid.chain[0]!.toPem());
      for (const purpose of ['sslclient', 'sslserver']) {
        const r = spawnSync(
          'openssl',
          ['verify', '-purpose', purpose, '-CAfile', files.bundle, '-untrusted', files.inter, files.leaf],
          { encoding: 'utf8' },
        );
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /leaf\.pem: OK/);
      }
      const text = spawnSync('openssl', ['x509', '-in', files.leaf, '-noout', '-text'], {
        encoding: 'utf8',
      }).stdout;
      assert.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
      assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature/);
      assert.match(text, /URI:spiffe:\/\/example\.org\/ns\/shop\/sa\/cart/);
      // And openssl refuses the leaf without its intermediate.
      const bad = spawnSync('openssl', ['verify', '-CAfile', files.bundle, files.leaf], { encoding: 'utf8' });
      assert.notEqual(bad.status, 0);
    });
  }

  test('openssl reads and verifies citadel-built CSRs', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'req.pem');
    await writeFile(file, createCsrPem(await generatePrivateKey(), CLIENT));
    const r = spawnSync('openssl', ['req', '-in', file, '-verify', '-noout', '-text'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /verify OK|Certificate request self-signature verify OK/);
    assert.match(r.stdout, /URI:spiffe:\/\/example\.org\/ns\/shop\/sa\/cart/);
  });
});

/** Connect a mesh client to a mesh server; resolves with what each side learned, or the client error. */
async function handshake(
  server: { svid: Svid; bundle: TrustBundle },
  client: { svid: Svid; bundle: TrustBundle; expect?: typeof SERVER },
): Promise<{ serverSawPeer?: string; serverError?: string; clientError?: string; reply?: string }> {
  const result: { serverSawPeer?: string; serverError?: string; clientError?: string; reply?: string } = {};
  const srv = tls.createServer(meshServerOptions(server.svid, server.bundle), (socket) => {
    try {
      result.serverSawPeer = peerSpiffeId(socket, server.bundle, { usage: 'client' }).toString();
      socket.end(`hello ${result.serverSawPeer}`);
    } catch (err) {
      result.serverError = (err as Error).message;
      socket.destroy();
    }
  });
  srv.on('tlsClientError', (err) => {
    result.serverError = err.message;
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  try {
    await new Promise<void>((resolve) => {
      const sock = tls.connect({
        ...meshClientOptions(
          client.svid,
          client.bundle,
          client.expect ? { expectServerId: client.expect } : {},
        ),
        host: '127.0.0.1',
        port,
        servername: 'mesh',
      });
      let data = '';
      sock.setEncoding('utf8');
      sock.on('data', (d: string) => {
        data += d;
      });
      sock.on('end', () => {
        result.reply = data;
        resolve();
      });
      sock.on('error', (err) => {
        result.clientError = `${(err as Error & { code?: string }).code ?? ''} ${err.message}`;
        resolve();
      });
    });
  } finally {
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
  return result;
}

describe('interoperability with Node tls (mutual TLS 1.3)', () => {
  test("two SVIDs from the CA complete a mutual-TLS handshake and learn each other's SPIFFE ID", async (t) => {
    const dir = await tempDir(t);
    await initCa({ stateDir: dir, trustDomain: 'example.org' });
    const ca = await CertificateAuthority.open(dir);
    const server = { svid: await issue(ca, SERVER), bundle: ca.bundle };
    const client = { svid: await issue(ca, CLIENT), bundle: ca.bundle, expect: SERVER };
    const r = await handshake(server, client);
    assert.equal(r.clientError, undefined);
    assert.equal(r.serverSawPeer, CLIENT.toString());
    assert.equal(r.reply, `hello ${CLIENT}`);
  });

  test('a client with a foreign-CA SVID is refused at the handshake', async (t) => {
    const dir = await tempDir(t);
    await initCa({ stateDir: dir, trustDomain: 'example.org' });
    const ca = await CertificateAuthority.open(dir);
    const foreign = await TestCA.create({ trustDomain: 'example.org' });
    const r = await handshake(
      { svid: await issue(ca, SERVER), bundle: ca.bundle },
      { svid: await foreign.createX509SVID(CLIENT.toString()), bundle: ca.bundle },
    );
    assert.equal(r.serverSawPeer, undefined);
    assert.ok(r.clientError !== undefined || r.serverError !== undefined);
  });

  test('a client expecting another server identity aborts with PERMISSION_DENIED', async (t) => {
    const dir = await tempDir(t);
    await initCa({ stateDir: dir, trustDomain: 'example.org' });
    const ca = await CertificateAuthority.open(dir);
    const r = await handshake(
      { svid: await issue(ca, SERVER), bundle: ca.bundle },
      {
        svid: await issue(ca, CLIENT),
        bundle: ca.bundle,
        expect: parseSpiffeId('spiffe://example.org/ns/shop/sa/payments'),
      },
    );
    assert.match(
      r.clientError ?? '',
      /ERR_CITADEL_PERMISSION_DENIED server identity spiffe:\/\/example\.org\/ns\/shop\/sa\/api is not the expected one/,
    );
  });
});
