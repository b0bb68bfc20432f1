import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import {
  createJoinToken,
  JOIN_TOKEN_AUDIENCE,
  JOIN_TOKEN_TYPE,
  verifyJoinToken,
} from '../../citadel/join-token.js';
import { parseSpiffeId } from '../../citadel/spiffe-id.js';
import { FakeClock } from '../helpers/clock.js';

const TD = 'example.org';
const ID = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
const DAY = 86_400_000;
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const pub = createPublicKey(key);

async function expectInvalid(
  token: string,
  clock: FakeClock,
  message: RegExp,
  verifyKey: KeyObject = pub,
): Promise<void> {
  await assert.rejects(
    verifyJoinToken(token, verifyKey, TD, DAY, clock),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_TOKEN_INVALID');
      assert.match(err.message, message);
      return true;
    },
  );
}

function claims(now: number) {
  return new SignJWT({})
    .setIssuer(`spiffe://${TD}`)
    .setAudience(JOIN_TOKEN_AUDIENCE)
    .setSubject(ID.toString())
    .setJti('j1')
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + 600);
}

describe('join tokens', () => {
  test('a fresh token verifies and names its SPIFFE ID', async () => {
    const clock = new FakeClock();
    const t = await createJoinToken(key, ID, 600_000, clock);
    const v = await verifyJoinToken(t.token, pub, TD, DAY, clock);
    assert.equal(v.spiffeId.toString(), ID.toString());
    assert.equal(v.jti, t.jti);
    assert.equal(t.expiresAt.getTime(), clock.now() + 600_000);
  });

  test('expired', async () => {
    const clock = new FakeClock();
    const t = await createJoinToken(key, ID, 600_000, clock);
    clock.add(600_000 + 6_000);
    await expectInvalid(t.token, clock, /expired/);
  });

  test('signed by another key', async () => {
    const clock = new FakeClock();
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const t = await createJoinToken(other, ID, 600_000, clock);
    await expectInvalid(t.token, clock, /signature does not verify/);
  });

  test('alg: none', async () => {
    const clock = new FakeClock();
    const token = new UnsecuredJWT({ sub: ID.toString(), jti: 'x' })
      .setIssuer(`spiffe://${TD}`)
      .setAudience(JOIN_TOKEN_AUDIENCE)
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .setExpirationTime(Math.floor(clock.now() / 1000) + 60)
      .encode();
    await expectInvalid(token, clock, /algorithm not allowed \(only ES256\)/);
  });

  test('HS256 (e.g. keyed with the public key bytes)', async () => {
    const clock = new FakeClock();
    const secret = new Uint8Array(pub.export({ format: 'der', type: 'spki' }));
    const token = await claims(clock.now())
      .setProtectedHeader({ alg: 'HS256', typ: JOIN_TOKEN_TYPE })
      .sign(secret);
    await expectInvalid(token, clock, /algorithm not allowed/);
  });

  test('wrong token type header', async () => {
    const clock = new FakeClock();
    const token = await claims(clock.now()).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).sign(key);
    await expectInvalid(token, clock, /typ/);
  });

  test('wrong audience', async () => {
    const clock = new FakeClock();
    const token = await claims(clock.now())
      .setAudience('someone-else')
      .setProtectedHeader({ alg: 'ES256', typ: JOIN_TOKEN_TYPE })
      .sign(key);
    await expectInvalid(token, clock, /claim "aud"/);
  });

  test('subject outside the trust domain', async () => {
    const clock = new FakeClock();
    const token = await claims(clock.now())
      .setSubject('spiffe://evil.example/x')
      .setProtectedHeader({ alg: 'ES256', typ: JOIN_TOKEN_TYPE })
      .sign(key);
    await expectInvalid(token, clock, /outside trust domain/);
  });

  test('lifetime above the maximum', async () => {
    const clock = new FakeClock();
    const t = await createJoinToken(key, ID, 2 * DAY, clock);
    await expectInvalid(t.token, clock, /exceeds the maximum/);
  });

  test('garbage', async () => {
    await expectInvalid('not.a.jwt', new FakeClock(), /.+/);
  });
});
