/**
 * @module Verification and signing keys for the io.jwt builtins: PEM certificates and public keys, JWKs and
 * JWK sets (node:crypto imports JWKs synchronously; builtins cannot await jose's async importers), and
 * per-algorithm sign/verify over node:crypto.
 */
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import { BuiltinError } from './builtin-error.js';
import { decodePemBlocks } from './pem.js';

/** JWS algorithms OPA knows. */
export const JWS_ALGORITHMS = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
  'EdDSA',
]);

export interface VerificationKey {
  key: KeyObject;
  alg: string;
  kid: string;
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function parseJwkJson(text: string): Record<string, unknown>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BuiltinError(`failed to parse a JWK key (set): ${(err as Error).message}`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new BuiltinError('failed to parse a JWK key (set): not a JSON object');
  }
  const set = (doc as { keys?: unknown }).keys;
  if (set !== undefined) {
    if (!Array.isArray(set))
      throw new BuiltinError('failed to parse a JWK key (set): "keys" must be an array');
    return set as Record<string, unknown>[];
  }
  return [doc as Record<string, unknown>];
}

/** A KeyObject from one JWK (public part for asymmetric keys when `publicOnly`). */
export function importJwk(jwk: Record<string, unknown>, publicOnly: boolean): KeyObject {
  try {
    if (jwk.kty === 'oct') {
      if (typeof jwk.k !== 'string') throw new Error('oct key without "k"');
      return createSecretKey(Buffer.from(jwk.k, 'base64url'));
    }
    // biome-ignore lint/suspicious/noExplicitAny: node's JsonWebKey input type
    const input = { key: jwk as any, format: 'jwk' as const };
    return publicOnly || jwk.d === undefined ? createPublicKey(input) : createPrivateKey(input);
  } catch (err) {
    throw new BuiltinError(`failed to parse a JWK key (set): ${(err as Error).message}`, { cause: err });
  }
}

/** OPA's getKeysFromCertOrJWK: one PEM certificate or public key, or a JWK / JWK set. */
export function verificationKeys(text: string): VerificationKey[] {
  const pem = decodePemBlocks(text);
  if (pem.blocks.length > 0) {
    if (pem.blocks.length > 1 || pem.rest.trim() !== '')
      throw new BuiltinError('extra data after a PEM certificate block');
    const block = pem.blocks[0] as { type: string; der: Buffer };
    if (block.type === 'CERTIFICATE') {
      try {
        return [{ key: new X509Certificate(block.der).publicKey, alg: '', kid: '' }];
      } catch (err) {
        throw new BuiltinError(`failed to parse a PEM certificate: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: createPublicKey({ key: block.der, format: 'der', type: 'spki' }), alg: '', kid: '' }];
      } catch (err) {
        throw new BuiltinError(`failed to parse a PEM public key: ${(err as Error).message}`, { cause: err });
      }
    }
    throw new BuiltinError('failed to extract a Key from the PEM certificate');
  }
  const out: VerificationKey[] = [];
  for (const jwk of parseJwkJson(text)) {
    const alg = typeof jwk.alg === 'string' ? jwk.alg : '';
    if (alg !== '' && !JWS_ALGORITHMS.has(alg)) continue; // keys for other algorithms are skipped
    out.push({ key: importJwk(jwk, true), alg, kid: typeof jwk.kid === 'string' ? jwk.kid : '' });
  }
  return out;
}

/** The first key of a JWK or JWK set, for signing. */
export function signingKey(text: string): KeyObject {
  const keys = parseJwkJson(text);
  const first = keys[0];
  if (first === undefined) throw new BuiltinError('no keys found in JWK set');
  return importJwk(first, false);
}

function hashOf(alg: string): string {
  return HASH[alg.slice(2)] ?? 'sha256';
}

/** Verify `signature` over `data` with `alg`; false on any mismatch (wrong key type included). */
export function verifySignature(key: KeyObject, alg: string, data: Buffer, signature: Buffer): boolean {
  try {
    const family = alg.slice(0, 2);
    if (family === 'HS') {
      if (key.type !== 'secret') return false;
      const mac = createHmac(hashOf(alg), key.export()).update(data).digest();
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    if (key.type === 'secret') return false;
    if (alg === 'EdDSA')
      return key.asymmetricKeyType === 'ed25519' && cryptoVerify(null, data, key, signature);
    if (family === 'RS' || family === 'PS') {
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
      const padding = family === 'PS' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
      // Go's rsa.VerifyPSS with nil options accepts any salt length.
      return cryptoVerify(
        hashOf(alg),
        data,
        { key, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        signature,
      );
    }
    if (family === 'ES') {
      if (key.asymmetricKeyType !== 'ec') return false;
      return cryptoVerify(hashOf(alg), data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return false;
  } catch {
    return false;
  }
}

/** Sign `data` with `alg` (PS* with salt length = hash length, ES* as raw r||s, as JWS requires). */
export function signData(key: KeyObject, alg: string, data: Buffer): Buffer {
  const family = alg.slice(0, 2);
  try {
    if (family === 'HS') {
      const secret = key.type === 'secret' ? key.export() : undefined;
      if (secret === undefined) throw new Error(`${alg} needs a symmetric ("oct") key`);
      return createHmac(hashOf(alg), secret).update(data).digest();
    }
    if (key.type !== 'private') throw new Error(`${alg} needs a private key`);
    if (alg === 'EdDSA') return cryptoSign(null, data, key);
    if (family === 'RS') return cryptoSign(hashOf(alg), data, { key, padding: constants.RSA_PKCS1_PADDING });
    if (family === 'PS') {
      return cryptoSign(hashOf(alg), data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      });
    }
    return cryptoSign(hashOf(alg), data, { key, dsaEncoding: 'ieee-p1363' });
  } catch (err) {
    throw new BuiltinError(`failed to sign the JWT with ${alg}: ${(err as Error).message}`, { cause: err });
  }
}
