/**
 * @module io.jwt builtins end to end with keys generated at test time: sign with encode_sign, decode,
 * verify per algorithm (PEM, JWK, JWKS with kid), decode_verify constraints and OPA's error texts.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import type { ObjectValue, Value } from '../../../policy/value/index.js';
import { call, context, runTable } from './harness.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const jwk = (k: { export(o: { format: 'jwk' }): object }) =>
  k.export({ format: 'jwk' }) as Record<string, unknown>;
const pemPublic = (k: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) =>
  String(k.export({ type: 'spki', format: 'pem' }));
const hsKey = { kty: 'oct', k: Buffer.from('my-secret').toString('base64url') };

function sign(alg: string, key: Record<string, unknown>, payload: Record<string, unknown>): string {
  return call('io.jwt.encode_sign', [{ alg, typ: 'JWT' }, payload, key]) as string;
}

test('sign then verify with each algorithm family', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['RS256', jwk(rsa.privateKey), pemPublic(rsa.publicKey), 'io.jwt.verify_rs256'],
    ['PS384', jwk(rsa.privateKey), pemPublic(rsa.publicKey), 'io.jwt.verify_ps384'],
    ['ES256', jwk(ec.privateKey), pemPublic(ec.publicKey), 'io.jwt.verify_es256'],
    ['EdDSA', jwk(ed.privateKey), pemPublic(ed.publicKey), 'io.jwt.verify_eddsa'],
    ['HS256', hsKey, 'my-secret', 'io.jwt.verify_hs256'],
  ];
  for (const [alg, key, verifyKey, verifier] of cases) {
    const token = sign(alg, key, { sub: 'alice' });
    assert.equal(call(verifier, [token, verifyKey]), true, `${alg}: verifies`);
    const tampered = `${token.slice(0, -4)}AAAA`;
    assert.equal(call(verifier, [tampered, verifyKey]), false, `${alg}: tampered signature fails`);
  }
  const token = sign('RS256', jwk(rsa.privateKey), { sub: 'alice' });
  assert.equal(
    call('io.jwt.verify_rs256', [token, pemPublic(ec.publicKey)]),
    false,
    'wrong key type is false, not an error',
  );
  const jwks = JSON.stringify({
    keys: [
      { ...jwk(ec.publicKey), kid: 'x' },
      { ...jwk(rsa.publicKey), kid: 'r', alg: 'RS256' },
    ],
  });
  assert.equal(call('io.jwt.verify_rs256', [token, jwks]), true, 'JWKS: some key verifies');
});

test('decode returns header, claims and the signature in hex', () => {
  const token = sign('HS256', hsKey, { sub: 'alice', n: 1 });
  const [header, claims, sig] = call('io.jwt.decode', [token]) as [ObjectValue, ObjectValue, string];
  assert.equal(header.get('alg'), 'HS256');
  assert.equal(claims.get('sub'), 'alice');
  assert.match(sig, /^[0-9a-f]{64}$/);
  runTable('io.jwt.decode', [
    {
      note: 'no periods',
      args: ['abc'],
      error: { code: 'eval_builtin_error', message: 'encoded JWT had no period separators' },
    },
    {
      note: 'two parts',
      args: ['a.b'],
      error: { code: 'eval_builtin_error', message: 'encoded JWT must have 3 sections, found 2' },
    },
    {
      note: 'bad header encoding',
      args: ['eyJhbGciOiJIUzI1NiJ$.e30.'],
      error: {
        code: 'eval_builtin_error',
        message: 'JWT header had invalid encoding: illegal base64 data at input byte',
      },
    },
    {
      note: 'JWE refused',
      args: [`${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}.e30.`],
      error: { code: 'eval_builtin_error', message: 'JWT is a JWE object, which is not supported' },
    },
  ]);
});

test('decode_verify checks signature, alg, iss, aud, exp, nbf against the evaluation clock', () => {
  const nowSec = Number(context().nowNs / 1_000_000_000n);
  const good = sign('HS256', hsKey, { iss: 'me', aud: 'svc', exp: nowSec + 60, nbf: nowSec - 60 });
  const verify = (token: string, constraints: Record<string, unknown>): boolean =>
    (call('io.jwt.decode_verify', [token, constraints]) as Value[])[0] as boolean;
  assert.equal(verify(good, { secret: 'my-secret', iss: 'me', aud: 'svc' }), true, 'all constraints met');
  assert.equal(verify(good, { secret: 'wrong', aud: 'svc' }), false, 'bad secret');
  assert.equal(verify(good, { secret: 'my-secret' }), false, 'token has aud, constraints none');
  assert.equal(verify(good, { secret: 'my-secret', aud: 'svc', iss: 'other' }), false, 'issuer mismatch');
  assert.equal(verify(good, { secret: 'my-secret', aud: 'svc', alg: 'RS256' }), false, 'alg mismatch');
  assert.equal(
    verify(good, { secret: 'my-secret', aud: 'svc', time: (nowSec + 120) * 1e9 }),
    false,
    'expired at that time',
  );
  const expired = sign('HS256', hsKey, { exp: nowSec - 1 });
  assert.equal(verify(expired, { secret: 'my-secret' }), false, 'expired now');
  runTable('io.jwt.decode_verify', [
    { note: 'no key', args: [good, {}], error: { code: 'eval_builtin_error', message: 'no key constraint' } },
    {
      note: 'two keys',
      args: [good, { secret: 'a', cert: '{"kty":"oct","k":"YQ"}' }],
      error: { code: 'eval_builtin_error', message: 'duplicate key constraints' },
    },
    {
      note: 'unknown constraint',
      args: [good, { secret: 'a', foo: 1 }],
      error: { code: 'eval_builtin_error', message: 'unknown token validation constraint: foo' },
    },
    {
      note: 'exp not a number',
      args: [sign('HS256', hsKey, { exp: 'soon' }), { secret: 'my-secret' }],
      error: { code: 'eval_builtin_error', message: 'exp value must be a number' },
    },
  ]);
});

test('encode_sign_raw header errors match OPA', () => {
  const key = JSON.stringify(hsKey);
  runTable('io.jwt.encode_sign_raw', [
    {
      note: 'no alg',
      args: ['{}', '{}', key],
      error: {
        code: 'eval_builtin_error',
        message: `missing or invalid 'alg' header: jwsbb: header "alg" not found`,
      },
    },
    {
      note: 'empty header',
      args: ['', '{}', key],
      error: {
        code: 'eval_builtin_error',
        message: "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string",
      },
    },
    {
      note: 'unknown alg',
      args: ['{"alg":"dummy"}', '{}', key],
      error: { code: 'eval_builtin_error', message: 'unknown JWS algorithm: dummy' },
    },
    {
      note: 'non-JSON payload for JWT',
      args: ['{"alg":"HS256","typ":"JWT"}', 'x', key],
      error: { code: 'eval_builtin_error', message: 'type is JWT but payload is not JSON' },
    },
  ]);
  const raw = call('io.jwt.encode_sign_raw', ['{"alg":"HS256","typ":"text"}', 'plain', key]) as string;
  assert.equal(call('io.jwt.verify_hs256', [raw, 'my-secret']), true, 'non-JWT payloads may be any text');
});
