import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CertificateAuthority } from '../../../citadel/authority.js';
import { caStatus } from '../../../citadel/ca-status.js';
import { initCa } from '../../../citadel/rotation.js';
import { caPaths, loadCaState } from '../../../citadel/state/ca-store.js';
import { FakeClock } from '../../helpers/clock.js';
import { TestCA } from '../../helpers/test-ca.js';
import { tempDir } from '../../helpers/tmp.js';

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const p = join(d, name);
      const s = await stat(p);
      if (s.isDirectory()) await walk(p);
      else
        out.set(
          p,
          `${(s.mode & 0o777).toString(8)}:${createHash('sha256')
            .update(await readFile(p))
            .digest('hex')}`,
        );
    }
  };
  await walk(dir);
  return out;
}

describe('CA state: startup checks refuse corrupt or mismatched files, naming the file', () => {
  let pristine: string;
  const clock = new FakeClock();
  after(() => rm(pristine, { recursive: true, force: true }));
  before(async () => {
    pristine = await mkdtemp(join(tmpdir(), 'palisade-ca-pristine-'));
    await initCa({ stateDir: pristine, trustDomain: 'example.org', clock });
  });

  test('a fresh CA loads, with 0600 keys and 0644 certificates', async () => {
    const state = await loadCaState(pristine);
    assert.equal(state.manifest.trustDomain, 'example.org');
    assert.equal(state.bundle.sequence, 1);
    const paths = caPaths(pristine);
    const root = state.roots[0]!.entry.id;
    assert.equal((await stat(paths.rootKey(root))).mode & 0o777, 0o600);
    assert.equal((await stat(paths.rootCert(root))).mode & 0o777, 0o644);
    assert.equal((await stat(paths.tokenKey)).mode & 0o777, 0o600);
    assert.equal((await stat(paths.bundlePem)).mode & 0o777, 0o644);
  });

  test('no CA at all is "missing", not corrupt', async (t) => {
    const empty = await tempDir(t);
    await assert.rejects(loadCaState(empty), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_STATE_MISSING');
      assert.match(err.message, /no CA in .*palisade ca init --trust-domain/);
      return true;
    });
  });

  const other = TestCA.create({ trustDomain: 'example.org' });
  const cases: {
    note: string;
    corrupt: (p: ReturnType<typeof caPaths>, ids: { root: string; inter: string }) => Promise<void>;
    file: (p: ReturnType<typeof caPaths>, ids: { root: string; inter: string }) => string;
    message: RegExp;
  }[] = [
    {
      note: 'ca.json is not JSON',
      corrupt: (p) => writeFile(p.manifest, '{ nope'),
      file: (p) => p.manifest,
      message: /not valid JSON/,
    },
    {
      note: 'ca.json has a wrong field',
      corrupt: async (p) =>
        writeFile(p.manifest, (await readFile(p.manifest, 'utf8')).replace('"version": 1', '"version": 2')),
      file: (p) => p.manifest,
      message: /version/,
    },
    {
      note: 'ca.json missing while other CA files remain',
      corrupt: (p) => unlink(p.manifest),
      file: (p) => p.manifest,
      message: /missing, but .* holds other CA files/,
    },
    {
      note: 'root key does not match the root certificate',
      corrupt: async (p, ids) => writeFile(p.rootKey(ids.root), await readFile(p.intermediateKey(ids.inter))),
      file: (p, ids) => p.rootKey(ids.root),
      message: /private key does not match the certificate/,
    },
    {
      note: 'intermediate key deleted',
      corrupt: (p, ids) => unlink(p.intermediateKey(ids.inter)),
      file: (p, ids) => p.intermediateKey(ids.inter),
      message: /cannot read CA file: missing/,
    },
    {
      note: 'root certificate is garbage',
      corrupt: (p, ids) =>
        writeFile(p.rootCert(ids.root), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      file: (p, ids) => p.rootCert(ids.root),
      message: /not a valid certificate/,
    },
    {
      note: 'intermediate certificate signed by a foreign root',
      corrupt: async (p, ids) => {
        const foreign = await (await other).childCA();
        await writeFile(p.intermediateCert(ids.inter), foreign.cert.toPem());
      },
      file: (p, ids) => p.intermediateCert(ids.inter),
      message: /not a CA certificate signed by root|does not match/,
    },
    {
      note: 'bundle does not contain the active root',
      corrupt: async (p) => writeFile(p.bundlePem, (await other).cert.toPem()),
      file: (p) => p.bundlePem,
      message: /does not contain root .* from ca\.json/,
    },
    {
      note: 'bundle contains a root ca.json does not list',
      corrupt: async (p) =>
        writeFile(p.bundlePem, (await readFile(p.bundlePem, 'utf8')) + (await other).cert.toPem()),
      file: (p) => p.bundlePem,
      message: /contains a root .* that ca\.json does not list/,
    },
    {
      note: 'SPIFFE bundle sequence differs from ca.json',
      corrupt: async (p) =>
        writeFile(
          p.bundleJson,
          (await readFile(p.bundleJson, 'utf8')).replace('"spiffe_sequence": 1', '"spiffe_sequence": 7'),
        ),
      file: (p) => p.bundleJson,
      message: /spiffe_sequence 7 differs from ca\.json bundleSequence 1/,
    },
    {
      note: 'SPIFFE bundle is not a JWK set',
      corrupt: (p) => writeFile(p.bundleJson, '{"keys": 3}'),
      file: (p) => p.bundleJson,
      message: /not a SPIFFE bundle/,
    },
    {
      note: 'join-token signing key is garbage',
      corrupt: (p) => writeFile(p.tokenKey, 'garbage'),
      file: (p) => p.tokenKey,
      message: /not a readable PEM private key/,
    },
  ];
  for (const c of cases) {
    test(`refuses: ${c.note}`, async (t) => {
      const dir = await tempDir(t);
      await cp(pristine, dir, { recursive: true });
      const state = await loadCaState(dir);
      const ids = { root: state.roots[0]!.entry.id, inter: state.intermediates[0]!.entry.id };
      const paths = caPaths(dir);
      await c.corrupt(paths, ids);
      const before = await snapshot(dir);
      await assert.rejects(CertificateAuthority.open(dir, { clock }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_CITADEL_STATE_CORRUPT');
        assert.ok(err.message.startsWith(`${c.file(paths, ids)}: `), err.message);
        assert.match(err.message, c.message);
        return true;
      });
      // Nothing was regenerated or rewritten.
      assert.deepEqual(await snapshot(dir), before);
    });
  }

  test('a corrupt journal line is reported with file and line by ca status', async (t) => {
    const dir = await tempDir(t);
    await cp(pristine, dir, { recursive: true });
    const paths = caPaths(dir);
    await writeFile(paths.journal, `${await readFile(paths.journal, 'utf8')}{"ts": 5}\n`);
    await assert.rejects(caStatus({ stateDir: dir, clock }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_STATE_CORRUPT');
      assert.match(err.message, new RegExp(`^${paths.journal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: `));
      return true;
    });
  });

  test('a corrupt used-token ledger stops the CA at startup', async (t) => {
    const dir = await tempDir(t);
    await cp(pristine, dir, { recursive: true });
    const paths = caPaths(dir);
    await writeFile(paths.usedTokens, 'not json\n');
    await assert.rejects(CertificateAuthority.open(dir, { clock }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_STATE_CORRUPT');
      assert.match(err.message, /used-tokens\.jsonl:1: not a used-token record/);
      return true;
    });
  });

  test('a torn last journal line (crash mid-append) is ignored', async (t) => {
    const dir = await tempDir(t);
    await cp(pristine, dir, { recursive: true });
    const paths = caPaths(dir);
    await writeFile(paths.journal, `${await readFile(paths.journal, 'utf8')}{"ts": "20`);
    const s = await caStatus({ stateDir: dir, clock });
    assert.equal(s.issued, 0);
    await rm(dir, { recursive: true, force: true });
  });
});
