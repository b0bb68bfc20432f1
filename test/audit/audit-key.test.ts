import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type CryptoKey, exportSPKI, importJWK } from 'jose';
import { exportPublicKey, loadOrCreateSigningKey, readVerificationKeys } from '../../audit/audit-key.js';
import { tempDir } from '../helpers/tmp.js';

describe('audit signing key', () => {
  test('is generated once and reloaded with the same key id', async (t) => {
    const dir = await tempDir(t);
    const a = await loadOrCreateSigningKey(join(dir, 'k.jwk'));
    const b = await loadOrCreateSigningKey(join(dir, 'k.jwk'));
    assert.equal(a.keyId, b.keyId);
    assert.equal(a.publicJwk.d, undefined);
  });

  test('the exported key set accumulates keys, and verifiers read JWKS, JWK and PEM', async (t) => {
    const dir = await tempDir(t);
    const a = await loadOrCreateSigningKey(join(dir, 'a.jwk'));
    const b = await loadOrCreateSigningKey(join(dir, 'b.jwk'));
    await exportPublicKey(dir, a);
    await exportPublicKey(dir, a);
    await exportPublicKey(dir, b);
    const set = await readVerificationKeys(join(dir, 'audit-keys.jwks.json'));
    assert.deepEqual([...set.keys()].sort(), [a.keyId, b.keyId].sort());
    await writeFile(join(dir, 'one.jwk'), JSON.stringify(a.publicJwk));
    assert.deepEqual([...(await readVerificationKeys(join(dir, 'one.jwk'))).keys()], [a.keyId]);
    const pem = await exportSPKI((await importJWK(a.publicJwk, 'ES256', { extractable: true })) as CryptoKey);
    await writeFile(join(dir, 'pub.pem'), pem);
    assert.deepEqual([...(await readVerificationKeys(join(dir, 'pub.pem'))).keys()], [a.keyId]);
  });

  const bad = [
    { note: 'not JSON', text: 'hello', want: /k.jwk: invalid audit signing key/ },
    {
      note: 'an RSA key',
      text: '{"kty":"RSA","n":"x","e":"AQAB","d":"y"}',
      want: /expected an EC P-256 private JWK/,
    },
    {
      note: 'a public key only',
      text: '{"kty":"EC","crv":"P-256","x":"a","y":"b"}',
      want: /expected an EC P-256 private JWK/,
    },
  ];
  for (const c of bad) {
    test(`a signing key file holding ${c.note} is refused with ERR_AUDIT_KEY`, async (t) => {
      const dir = await tempDir(t);
      await writeFile(join(dir, 'k.jwk'), c.text);
      await assert.rejects(loadOrCreateSigningKey(join(dir, 'k.jwk')), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_AUDIT_KEY');
        assert.match(err.message, c.want);
        return true;
      });
    });
  }

  test('a verification key file that is missing or empty is refused with ERR_AUDIT_KEY', async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(readVerificationKeys(join(dir, 'none.jwks')), {
      code: 'ERR_AUDIT_KEY',
      message: /none.jwks: cannot read public key/,
    });
    await writeFile(join(dir, 'empty.jwks'), '{"keys":[]}');
    await assert.rejects(readVerificationKeys(join(dir, 'empty.jwks')), {
      code: 'ERR_AUDIT_KEY',
      message: /no public key in the file/,
    });
  });
});
