/**
 * @module Tests for OPA bundles: build, read back, sign and verify with RSA, ECDSA and HMAC keys generated
 * here, and every way verification must fail (tampered file, extra file, wrong key, unsigned).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  buildBundle,
  bundleFiles,
  canonicalJson,
  compilePlan,
  loadPolicyBundle,
  packBundle,
  readBundle,
  signingKeyFrom,
  verificationKeyFrom,
  verifyBundle,
} from '../../../policy/wasm/index.js';
import { planRego } from './rego-fixture.js';

const plan = planRego(
  {
    'authz.rego':
      'package authz\nimport rego.v1\ndefault allow := false\nallow if input.user == data.admin\n',
  },
  ['authz/allow'],
);

function pemPair(kind: 'rsa' | 'ec'): { priv: string; pub: string } {
  const { privateKey, publicKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    priv: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('bundles', async () => {
  const { wasm } = await compilePlan(plan);

  it('builds an OPA-layout bundle that reads back and evaluates', async () => {
    const archive = await buildBundle({
      wasm,
      entrypoints: ['authz/allow'],
      data: { admin: 'alice' },
      revision: 'r1',
    });
    const b = await readBundle(archive);
    assert.deepEqual([...b.files.keys()].sort(), ['/.manifest', '/data.json', '/policy.wasm']);
    assert.deepEqual(b.manifest, {
      revision: 'r1',
      roots: [''],
      wasm: [{ entrypoint: 'authz/allow', module: '/policy.wasm' }],
      rego_version: 1,
    });
    const loaded = await loadPolicyBundle(archive);
    assert.deepEqual(loaded.module.evaluate({ user: 'alice' }, 'authz/allow'), [{ result: true }]);
    assert.deepEqual(loaded.module.evaluate({ user: 'bob' }, 'authz/allow'), [{ result: false }]);
    assert.equal(loaded.revision, 'r1');
  });

  it('is byte-for-byte reproducible', async () => {
    const a = await buildBundle({ wasm, entrypoints: ['authz/allow'], data: { b: 1, a: 2 } });
    const b = await buildBundle({ wasm, entrypoints: ['authz/allow'], data: { a: 2, b: 1 } });
    assert.deepEqual(a, b);
  });

  const keys = [
    { note: 'RS256 (RSA PEM)', ...(() => pemPair('rsa'))(), alg: 'RS256' },
    { note: 'ES256 (P-256 PEM)', ...(() => pemPair('ec'))(), alg: 'ES256' },
    {
      note: 'HS256 (shared secret)',
      priv: 'a-shared-secret-of-enough-length!',
      pub: 'a-shared-secret-of-enough-length!',
      alg: 'HS256',
    },
  ];
  for (const k of keys) {
    it(`signs and verifies with ${k.note}`, async () => {
      const signer = signingKeyFrom(k.priv, { keyid: 'ci' });
      assert.equal(signer.alg, k.alg);
      const archive = await buildBundle({ wasm, entrypoints: ['authz/allow'], data: {}, signingKey: signer });
      const b = await readBundle(archive);
      const ok = await verifyBundle(b, verificationKeyFrom(k.pub));
      assert.deepEqual(ok.files.sort(), ['.manifest', 'data.json', 'policy.wasm']);
      assert.equal(ok.keyid, 'ci');
      const loaded = await loadPolicyBundle(archive, { verificationKey: verificationKeyFrom(k.pub) });
      assert.equal(loaded.verified, true);
    });
  }

  const signerPair = pemPair('rsa');
  const signer = signingKeyFrom(signerPair.priv);
  const other = pemPair('rsa');
  const failures: {
    note: string;
    mutate: (files: Map<string, Uint8Array>) => void;
    key?: string;
    message: RegExp;
  }[] = [
    {
      note: 'a tampered data.json',
      mutate: (f) => f.set('/data.json', new TextEncoder().encode('{"admin":"mallory"}')),
      message: /data\.json: hash does not match/,
    },
    {
      note: 'a tampered module',
      mutate: (f) => f.set('/policy.wasm', new Uint8Array([...f.get('/policy.wasm')!, 0])),
      message: /policy\.wasm: hash does not match/,
    },
    {
      note: 'an extra file',
      mutate: (f) => f.set('/extra.json', new TextEncoder().encode('{}')),
      message: /not covered by the signature: extra\.json/,
    },
    { note: 'a missing file', mutate: (f) => f.delete('/data.json'), message: /data\.json is missing/ },
    { note: 'the wrong key', mutate: () => {}, key: other.pub, message: /does not verify/ },
    { note: 'no signature', mutate: (f) => f.delete('/.signatures.json'), message: /not signed/ },
  ];
  for (const c of failures) {
    it(`rejects ${c.note}`, async () => {
      const files = await bundleFiles({
        wasm,
        entrypoints: ['authz/allow'],
        data: { admin: 'alice' },
        signingKey: signer,
      });
      c.mutate(files);
      const archive = await packBundle(files);
      const verifier = verificationKeyFrom(c.key ?? signerPair.pub);
      await assert.rejects(
        loadPolicyBundle(archive, { verificationKey: verifier }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'ERR_POLICY_BUNDLE_SIGNATURE');
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  it('hashes JSON files over their canonical form, as OPA does', () => {
    assert.equal(
      canonicalJson({ b: [1, { d: '<&>', c: null }], a: true }),
      '{"a":true,"b":[1,{"c":null,"d":"\\u003c\\u0026\\u003e"}]}',
    );
  });

  const malformed: { note: string; archive: () => Promise<Uint8Array>; message: RegExp }[] = [
    {
      note: 'not gzip',
      archive: async () => new TextEncoder().encode('hello'),
      message: /not a gzipped tar bundle/,
    },
    {
      note: 'a manifest that is not JSON',
      archive: () => packBundle(new Map([['/.manifest', new TextEncoder().encode('{')]])),
      message: /\.manifest is not valid JSON/,
    },
    {
      note: 'no module',
      archive: () => packBundle(new Map([['/data.json', new TextEncoder().encode('{}')]])),
      message: /no Wasm module/,
    },
  ];
  for (const c of malformed) {
    it(`rejects a bundle with ${c.note}`, async () => {
      await assert.rejects(loadPolicyBundle(await c.archive()), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_POLICY_BUNDLE_INVALID');
        assert.match(err.message, c.message);
        return true;
      });
    });
  }

  it('rejects a bundle whose sample input fails', async () => {
    const p = planRego({ 'c.rego': 'package c\nimport rego.v1\nx := 1 if input.a\nx := 2 if input.b\n' }, [
      'c/x',
    ]);
    const archive = await buildBundle({ wasm: (await compilePlan(p)).wasm, entrypoints: ['c/x'] });
    await assert.rejects(
      loadPolicyBundle(archive, { sampleInputs: [{ a: true }, { a: true, b: true }] }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_POLICY_BUNDLE_REJECTED');
        assert.match(err.message, /sample input 1 fails on c\/x: .*var assignment conflict/);
        return true;
      },
    );
  });
});
