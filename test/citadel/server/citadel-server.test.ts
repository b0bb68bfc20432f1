import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { CertificateAuthority } from '../../../citadel/authority.js';
import type { TrustBundle } from '../../../citadel/bundle.js';
import { CitadelClient } from '../../../citadel/client/citadel-client.js';
import { createCsrPem } from '../../../citadel/csr.js';
import { generatePrivateKey } from '../../../citadel/keys.js';
import { initCa, retireRoot, rotateRoot } from '../../../citadel/rotation.js';
import { type CitadelServer, startCitadelServer } from '../../../citadel/server/citadel-server.js';
import { parseSpiffeId, type SpiffeId } from '../../../citadel/spiffe-id.js';
import { caPaths } from '../../../citadel/state/ca-store.js';
import type { Svid } from '../../../citadel/tls-options.js';
import { validateX509Svid } from '../../../citadel/validator.js';
import { createLogger } from '../../../lib/logger.js';
import { FakeClock } from '../../helpers/clock.js';
import { TestCA } from '../../helpers/test-ca.js';
import { tempDir } from '../../helpers/tmp.js';

const ID = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
const OTHER = parseSpiffeId('spiffe://example.org/ns/shop/sa/other');
const HOUR = 3_600_000;
const quiet = createLogger({ level: 'silent' });

async function csrFor(id: SpiffeId) {
  const key = await generatePrivateKey();
  return { key, csrPem: createCsrPem(key, id) };
}

function rpcError(status: string, message: RegExp) {
  return (err: Error & { code?: string }) => {
    assert.equal(err.code, 'ERR_CITADEL_RPC', err.message);
    assert.match(err.message, new RegExp(`: ${status}: `));
    assert.match(err.message, message);
    return true;
  };
}

describe('citadel gRPC server', () => {
  let dir: string;
  let server: CitadelServer;
  const clients: CitadelClient[] = [];
  const client = (svid?: Svid, bundle?: TrustBundle): CitadelClient => {
    const c = new CitadelClient({
      address: server.address,
      bundle: bundle ?? server.bundle(),
      ...(svid ? { svid } : {}),
    });
    clients.push(c);
    return c;
  };
  const issueWithToken = async (id: SpiffeId): Promise<Svid> => {
    const token = await server.authority.createJoinToken(id);
    const { key, csrPem } = await csrFor(id);
    const r = await client().createCertificate({ csrPem, joinToken: token.token });
    return { key, chain: r.chain };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-citadel-server-'));
    await initCa({ stateDir: dir, trustDomain: 'example.org' });
    server = await startCitadelServer({
      stateDir: dir,
      listen: '127.0.0.1:0',
      logger: quiet,
      rateLimits: { perCallerRate: 1000, perCallerBurst: 1000 },
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('join token → SVID: leaf + intermediate that validate, with the bundle', async () => {
    const token = await server.authority.createJoinToken(ID);
    const { csrPem } = await csrFor(ID);
    const r = await client().createCertificate({ csrPem, joinToken: token.token });
    assert.equal(r.chain.length, 2);
    assert.equal(validateX509Svid(r.chain, r.bundle).toString(), ID.toString());
    assert.equal(r.bundle.sequence, 1);
    assert.equal(r.chain[0]!.notAfter.getTime() - r.chain[0]!.notBefore.getTime(), HOUR + 10_000);
  });

  test('a replayed join token is refused (UNAUTHENTICATED)', async () => {
    const token = await server.authority.createJoinToken(ID);
    await client().createCertificate({ ...(await csrFor(ID)), joinToken: token.token });
    await assert.rejects(
      client().createCertificate({ ...(await csrFor(ID)), joinToken: token.token }),
      rpcError('UNAUTHENTICATED', /already used/),
    );
  });

  test('a token for another SPIFFE ID is refused (PERMISSION_DENIED) and stays usable for its own ID', async () => {
    const token = await server.authority.createJoinToken(OTHER);
    await assert.rejects(
      client().createCertificate({ ...(await csrFor(ID)), joinToken: token.token }),
      rpcError('PERMISSION_DENIED', /may only obtain spiffe:\/\/example\.org\/ns\/shop\/sa\/other/),
    );
    const r = await client().createCertificate({ ...(await csrFor(OTHER)), joinToken: token.token });
    assert.equal(validateX509Svid(r.chain, r.bundle).toString(), OTHER.toString());
  });

  test('a malformed CSR is INVALID_ARGUMENT and does not burn the token', async () => {
    const token = await server.authority.createJoinToken(ID);
    await assert.rejects(
      client().createCertificate({ csrPem: 'garbage', joinToken: token.token }),
      rpcError('INVALID_ARGUMENT', /CSR rejected/),
    );
    await client().createCertificate({ ...(await csrFor(ID)), joinToken: token.token });
  });

  const badTokens: { note: string; token: () => Promise<string>; message: RegExp }[] = [
    {
      note: 'alg: none',
      token: async () =>
        new UnsecuredJWT({ sub: ID.toString(), jti: 'n1' })
          .setIssuer('spiffe://example.org')
          .setAudience('palisade-citadel')
          .setIssuedAt()
          .setExpirationTime('5m')
          .encode(),
      message: /algorithm not allowed/,
    },
    {
      note: 'HS256',
      token: async () =>
        new SignJWT({ sub: ID.toString(), jti: 'h1' })
          .setProtectedHeader({ alg: 'HS256', typ: 'palisade-join+jwt' })
          .setIssuer('spiffe://example.org')
          .setAudience('palisade-citadel')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new Uint8Array(32)),
      message: /algorithm not allowed/,
    },
    {
      note: 'signed by another key',
      token: async () => {
        const k = await generatePrivateKey();
        return new SignJWT({ sub: ID.toString(), jti: 'o1' })
          .setProtectedHeader({ alg: 'ES256', typ: 'palisade-join+jwt' })
          .setIssuer('spiffe://example.org')
          .setAudience('palisade-citadel')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(k);
      },
      message: /signature does not verify/,
    },
    {
      note: 'expired',
      token: async () => {
        const past = await CertificateAuthority.open(dir, { clock: new FakeClock(Date.now() - 2 * HOUR) });
        return (await past.createJoinToken(ID)).token;
      },
      message: /expired/,
    },
  ];
  for (const c of badTokens) {
    test(`a bad join token is UNAUTHENTICATED: ${c.note}`, async () => {
      await assert.rejects(
        client().createCertificate({ ...(await csrFor(ID)), joinToken: await c.token() }),
        rpcError('UNAUTHENTICATED', c.message),
      );
    });
  }

  test('no credentials at all is UNAUTHENTICATED with a hint', async () => {
    await assert.rejects(
      client().createCertificate(await csrFor(ID)),
      rpcError('UNAUTHENTICATED', /no credentials: send a join token/),
    );
  });

  test('renewal with the current SVID as client certificate; the CSR must name the same ID', async () => {
    const svid = await issueWithToken(ID);
    const renewer = client(svid);
    const r = await renewer.createCertificate(await csrFor(ID));
    assert.equal(validateX509Svid(r.chain, r.bundle).toString(), ID.toString());
    assert.notEqual(r.chain[0]!.serial, svid.chain[0]!.serial);
    await assert.rejects(
      renewer.createCertificate(await csrFor(OTHER)),
      rpcError('PERMISSION_DENIED', /may only obtain spiffe:\/\/example\.org\/ns\/shop\/sa\/cart/),
    );
  });

  test('renewal with a certificate from a foreign CA is UNAUTHENTICATED (unknown CA)', async () => {
    const foreign = await TestCA.create({ trustDomain: 'example.org' });
    const svid = await foreign.createX509SVID(ID.toString());
    await assert.rejects(
      client(svid).createCertificate(await csrFor(ID)),
      rpcError('UNAUTHENTICATED', /unknown CA/),
    );
  });

  test('a requested TTL above the maximum is clamped to 24h', async () => {
    const token = await server.authority.createJoinToken(ID);
    const r = await client().createCertificate({
      ...(await csrFor(ID)),
      joinToken: token.token,
      validitySeconds: 100 * 3600,
    });
    const leaf = r.chain[0]!;
    assert.equal(leaf.notAfter.getTime() - leaf.notBefore.getTime(), 24 * HOUR + 10_000);
  });

  test('a malformed authorization header is UNAUTHENTICATED', async () => {
    const c = client();
    await assert.rejects(
      c.createCertificate({ ...(await csrFor(ID)), joinToken: '' }),
      rpcError('UNAUTHENTICATED', /Bearer/),
    );
  });

  test('metrics count outcomes by status code', async () => {
    const text = await server.metrics.metrics();
    assert.match(text, /citadel_requests_total\{method="CreateCertificate",code="OK"\} \d+/);
    assert.match(text, /citadel_requests_total\{method="CreateCertificate",code="UNAUTHENTICATED"\} \d+/);
    assert.match(text, /citadel_requests_total\{method="CreateCertificate",code="PERMISSION_DENIED"\} \d+/);
    assert.match(text, /citadel_svids_issued_total\{via="join-token"\} \d+/);
  });

  test('WatchTrustBundle sends the bundle now and again after a root rotation', async () => {
    const watcher = client();
    const seen: TrustBundle[] = [];
    let notify: () => void = () => undefined;
    const w = watcher.watchTrustBundle((b) => {
      seen.push(b);
      notify();
    });
    const waitFor = (n: number) =>
      new Promise<void>((resolve) => {
        notify = () => seen.length >= n && resolve();
        notify();
      });
    await waitFor(1);
    assert.equal(seen[0]!.sequence, 1);
    await rotateRoot({ stateDir: dir, logger: quiet });
    await server.reload();
    await waitFor(2);
    w.close();
    assert.equal(seen[1]!.sequence, 2);
    assert.equal(seen[1]!.roots.length, 2);
    // The server still presents a certificate under the old root, which every client trusts.
    const r = await issueWithToken(ID);
    assert.equal(validateX509Svid(r.chain, server.bundle()).toString(), ID.toString());
    // After the old root is retired, clients that trust only the new root still reach citadel: the serving
    // certificate moved to the new root before the shrunken bundle was published.
    await retireRoot({ stateDir: dir, logger: quiet, force: true });
    await server.reload();
    assert.equal(server.bundle().roots.length, 1);
    const after = await issueWithToken(ID);
    assert.equal(validateX509Svid(after.chain, server.bundle()).toString(), ID.toString());
  });

  test('a corrupted state file does not stop a running server: it keeps the last good state', async () => {
    const paths = caPaths(dir);
    const good = await readFile(paths.bundlePem, 'utf8');
    await writeFile(paths.bundlePem, 'garbage');
    await server.reload();
    const svid = await issueWithToken(ID);
    assert.equal(validateX509Svid(svid.chain, server.bundle()).toString(), ID.toString());
    await writeFile(paths.bundlePem, good);
    await server.reload();
  });
});

describe('citadel gRPC server: rate limiting and restarts', () => {
  test('per-caller limit answers RESOURCE_EXHAUSTED with a retry hint', async (t) => {
    const dir = await tempDir(t);
    await initCa({ stateDir: dir, trustDomain: 'example.org' });
    const server = await startCitadelServer({
      stateDir: dir,
      listen: '127.0.0.1:0',
      logger: quiet,
      rateLimits: { perCallerRate: 0.001, perCallerBurst: 2 },
    });
    t.after(() => server.close());
    const c = new CitadelClient({ address: server.address, bundle: server.bundle() });
    t.after(() => c.close());
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const token = await server.authority.createJoinToken(ID);
      try {
        await c.createCertificate({ ...(await csrFor(ID)), joinToken: token.token });
        outcomes.push('ok');
      } catch (err) {
        outcomes.push(
          (err as Error).message.includes('RESOURCE_EXHAUSTED') ? 'limited' : (err as Error).message,
        );
      }
    }
    assert.deepEqual(outcomes, ['ok', 'ok', 'limited']);
    assert.match(await server.metrics.metrics(), /citadel_rate_limited_total\{reason="caller"\} 1/);
  });

  test('renewal with an expired SVID is UNAUTHENTICATED, saying it expired', async (t) => {
    const dir = await tempDir(t);
    const clock = new FakeClock(Date.now());
    await initCa({ stateDir: dir, trustDomain: 'example.org', clock });
    const server = await startCitadelServer({
      stateDir: dir,
      listen: '127.0.0.1:0',
      logger: quiet,
      clock,
      maintenanceIntervalMs: 3_600_000,
    });
    t.after(() => server.close());
    const token = await server.authority.createJoinToken(ID);
    const { key, csrPem } = await csrFor(ID);
    const first = new CitadelClient({ address: server.address, bundle: server.bundle() });
    const r = await first.createCertificate({ csrPem, joinToken: token.token });
    first.close();
    clock.add(2 * HOUR);
    const c = new CitadelClient({
      address: server.address,
      bundle: server.bundle(),
      svid: { key, chain: r.chain },
    });
    t.after(() => c.close());
    await assert.rejects(
      c.createCertificate(await csrFor(ID)),
      rpcError('UNAUTHENTICATED', /client certificate not accepted: .*leaf \(serial [0-9a-f]+\) expired at/),
    );
  });

  test('a restart does not re-open replay of used join tokens', async (t) => {
    const dir = await tempDir(t);
    await initCa({ stateDir: dir, trustDomain: 'example.org' });
    let server = await startCitadelServer({ stateDir: dir, listen: '127.0.0.1:0', logger: quiet });
    const token = await server.authority.createJoinToken(ID);
    let c = new CitadelClient({ address: server.address, bundle: server.bundle() });
    await c.createCertificate({ ...(await csrFor(ID)), joinToken: token.token });
    c.close();
    await server.close();
    server = await startCitadelServer({ stateDir: dir, listen: '127.0.0.1:0', logger: quiet });
    t.after(() => server.close());
    c = new CitadelClient({ address: server.address, bundle: server.bundle() });
    t.after(() => c.close());
    await assert.rejects(
      c.createCertificate({ ...(await csrFor(ID)), joinToken: token.token }),
      rpcError('UNAUTHENTICATED', /already used/),
    );
  });

  test('startCitadelServer with initIfAbsent creates the CA once', async (t) => {
    const dir = await tempDir(t);
    const server = await startCitadelServer({
      stateDir: dir,
      listen: '127.0.0.1:0',
      logger: quiet,
      initIfAbsent: { trustDomain: 'example.org' },
    });
    t.after(() => server.close());
    assert.equal(server.trustDomain, 'example.org');
    assert.ok(server.port > 0);
    assert.equal(server.address, `127.0.0.1:${server.port}`);
  });
});
