/**
 * @module Bundle signing and verification in OPA's format: a compact JWS (jose) whose payload lists every
 * file's hash; RS/PS/ES keys from PEM files, HS256 from a shared secret. Wasm layer.
 */
import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { PolicyError } from '../errors.js';
import { fileHash, type SignaturePayload, signatureName, signaturePayloadSchema } from './bundle-format.js';

export interface SigningKey {
  readonly key: KeyObject;
  readonly alg: string;
  readonly keyid?: string;
}

/** Default algorithm for a key: RS256 for RSA, ES256/384/512 by curve, EdDSA for Ed25519, HS256 for secrets. */
function defaultAlg(key: KeyObject): string {
  if (key.type === 'secret') return 'HS256';
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
    }
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new PolicyError(
        'ERR_POLICY_BUNDLE_KEY',
        `unsupported key type ${String(key.asymmetricKeyType)}`,
        {
          exitCode: 2,
        },
      );
  }
}

/** A private PEM key, or (not PEM) a shared HMAC secret. */
export function signingKeyFrom(
  material: string | Uint8Array,
  options: { alg?: string; keyid?: string } = {},
): SigningKey {
  const text = typeof material === 'string' ? material : new TextDecoder().decode(material);
  try {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey(text)
      : createSecretKey(Buffer.from(text.trim()));
    return { key, alg: options.alg ?? defaultAlg(key), keyid: options.keyid };
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    throw new PolicyError('ERR_POLICY_BUNDLE_KEY', `cannot read the signing key: ${(err as Error).message}`, {
      cause: err,
      exitCode: 2,
    });
  }
}

/** A public PEM key (or certificate's key), or a shared HMAC secret. */
export function verificationKeyFrom(
  material: string | Uint8Array,
  options: { alg?: string } = {},
): SigningKey {
  const text = typeof material === 'string' ? material : new TextDecoder().decode(material);
  try {
    const key = text.includes('-----BEGIN')
      ? createPublicKey(text)
      : createSecretKey(Buffer.from(text.trim()));
    return { key, alg: options.alg ?? defaultAlg(key) };
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    throw new PolicyError(
      'ERR_POLICY_BUNDLE_KEY',
      `cannot read the verification key: ${(err as Error).message}`,
      {
        cause: err,
        exitCode: 2,
      },
    );
  }
}

/** The `.signatures.json` document for these files. */
export async function signFiles(files: ReadonlyMap<string, Uint8Array>, key: SigningKey): Promise<string> {
  const payload: SignaturePayload = {
    files: [...files]
      .filter(([name]) => signatureName(name) !== '.signatures.json')
      .map(([name, bytes]) => ({
        name: signatureName(name),
        hash: fileHash(name, bytes),
        algorithm: 'SHA-256',
      })),
    ...(key.keyid ? { keyid: key.keyid } : {}),
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, ...(key.keyid ? { kid: key.keyid } : {}) })
    .sign(key.key);
  return `${JSON.stringify({ signatures: [jws] })}\n`;
}

function verifyError(message: string, cause?: unknown): PolicyError {
  return new PolicyError('ERR_POLICY_BUNDLE_SIGNATURE', message, { cause });
}

/**
 * Check a bundle's signature against its files: the JWS verifies with the key, every listed file exists
 * with the listed hash, and every file (but .signatures.json) is listed.
 */
export async function verifyFiles(
  files: ReadonlyMap<string, Uint8Array>,
  signatures: readonly string[],
  key: SigningKey,
): Promise<SignaturePayload> {
  if (signatures.length !== 1)
    throw verifyError(`expected exactly one signature, found ${signatures.length}`);
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(signatures[0]!, key.key, { algorithms: [key.alg] }));
  } catch (err) {
    throw verifyError(`bundle signature does not verify: ${(err as Error).message}`, err);
  }
  const parsed = signaturePayloadSchema.safeParse(JSON.parse(new TextDecoder().decode(payloadBytes)));
  if (!parsed.success) throw verifyError('bundle signature payload is malformed');
  const byName = new Map([...files].map(([n, b]) => [signatureName(n), b] as const));
  byName.delete('.signatures.json');
  for (const f of parsed.data.files) {
    const bytes = byName.get(f.name);
    if (bytes === undefined) throw verifyError(`signed file ${f.name} is missing from the bundle`);
    if (f.algorithm.toUpperCase() !== 'SHA-256')
      throw verifyError(`${f.name}: unsupported hash algorithm ${f.algorithm}`);
    if (fileHash(f.name, bytes) !== f.hash) throw verifyError(`${f.name}: hash does not match the signature`);
    byName.delete(f.name);
  }
  if (byName.size > 0)
    throw verifyError(`files not covered by the signature: ${[...byName.keys()].join(', ')}`);
  return parsed.data;
}
