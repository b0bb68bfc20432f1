import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type CryptoKey, importJWK } from 'jose';
import { loadOrCreateSigningKey } from '../../audit/audit-key.js';
import { type CheckpointClaims, signCheckpoint, verifyCheckpoint } from '../../audit/checkpoint.js';
import { tempDir } from '../helpers/tmp.js';

const claims: CheckpointClaims = {
  iss: 'spiffe://mesh.test/w',
  seq: 11,
  covers_seq: 10,
  chain_hash: 'a'.repeat(64),
  records: 10,
  final: false,
  ts: '2026-11-24T10:00:00.000Z',
};

describe('checkpoint signatures', () => {
  test('verify with the writer key returns the signed claims; other keys and edits are told apart', async (t) => {
    const dir = await tempDir(t);
    const key = await loadOrCreateSigningKey(join(dir, 'a.jwk'));
    const other = await loadOrCreateSigningKey(join(dir, 'b.jwk'));
    const jws = await signCheckpoint(claims, key);
    // Verifiers hold the public half only.
    const pub = new Map([[key.keyId, (await importJWK(key.publicJwk, 'ES256')) as CryptoKey]]);
    assert.deepEqual(await verifyCheckpoint(jws, pub), { ok: true, claims });

    const byOther = await signCheckpoint(claims, other);
    const unknown = await verifyCheckpoint(byOther, pub);
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.reason, 'unknown_key');

    const [h, , s] = jws.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, records: 9 })).toString('base64url');
    const edited = await verifyCheckpoint(`${h}.${forgedPayload}.${s}`, pub);
    assert.equal(!edited.ok && edited.reason, 'bad_signature');

    const garbage = await verifyCheckpoint('not-a-jws', pub);
    assert.equal(!garbage.ok && garbage.reason, 'malformed');
  });
});
