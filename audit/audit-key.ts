/**
 * @module The audit signing key: an ES256 key pair generated into the owner's state directory (private
 * JWK, mode 0600) whose public half is exported beside the log as a JWK Set, so anyone holding the log can
 * verify its checkpoints. Key layer; jose is the only crypto used.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importSPKI,
  type JWK,
} from 'jose';
import { FileMode, writeFileDurable } from '../lib/durable-write.js';
import { AuditError } from './errors.js';

/** Name of the public key set written beside the log files. */
export const PUBLIC_KEYS_FILE = 'audit-keys.jwks.json';
export const ALG = 'ES256';

/** The key the writer signs with. */
export interface AuditSigningKey {
  /** RFC 7638 thumbprint of the public key; the JWS `kid`. */
  readonly keyId: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** Load the private key from `file`, or generate one there (0600) when it does not exist. */
export async function loadOrCreateSigningKey(file: string): Promise<AuditSigningKey> {
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AuditError(
        'ERR_AUDIT_KEY',
        `${file}: cannot read the audit signing key: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  if (text !== undefined) return parsePrivateJwk(text, file);
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const keyId = await calculateJwkThumbprint(jwk);
  await writeFileDurable(file, `${JSON.stringify({ ...jwk, alg: ALG, kid: keyId })}\n`, {
    mode: FileMode.secret,
  });
  return parsePrivateJwk(JSON.stringify(jwk), file);
}

async function parsePrivateJwk(text: string, file: string): Promise<AuditSigningKey> {
  try {
    const jwk = JSON.parse(text) as JWK;
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string') {
      throw new Error('expected an EC P-256 private JWK');
    }
    const privateKey = (await importJWK(jwk, ALG)) as CryptoKey;
    const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
    const keyId = await calculateJwkThumbprint(publicJwk);
    return { keyId, privateKey, publicJwk: { ...publicJwk, alg: ALG, use: 'sig', kid: keyId } };
  } catch (err) {
    throw new AuditError('ERR_AUDIT_KEY', `${file}: invalid audit signing key: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Add the key's public half to `<logDir>/audit-keys.jwks.json` (kept: older keys still verify older
 * checkpoints). A no-op when the key is already listed.
 */
export async function exportPublicKey(logDir: string, key: AuditSigningKey): Promise<void> {
  const file = join(logDir, PUBLIC_KEYS_FILE);
  let keys: JWK[] = [];
  try {
    keys = parseJwks(await readFile(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (keys.some((k) => k.kid === key.keyId)) return;
  keys.push(key.publicJwk);
  await writeFileDurable(file, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: FileMode.public });
}

function parseJwks(text: string, file: string): JWK[] {
  try {
    const doc = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(doc.keys)) throw new Error('expected {"keys": [...]}');
    return doc.keys as JWK[];
  } catch (err) {
    throw new AuditError('ERR_AUDIT_KEY', `${file}: invalid public key set: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Public keys a verifier trusts, by key id. */
export type VerificationKeys = ReadonlyMap<string, CryptoKey>;

/**
 * Read verification keys from a file: a JWK Set, a single public JWK, or a PEM SPKI public key.
 * Keys are indexed by their RFC 7638 thumbprint (what checkpoints name as `kid`).
 */
export async function readVerificationKeys(file: string): Promise<VerificationKeys> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AuditError('ERR_AUDIT_KEY', `${file}: cannot read public key: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const out = new Map<string, CryptoKey>();
  try {
    if (text.trimStart().startsWith('-----BEGIN PUBLIC KEY-----')) {
      const key = await importSPKI(text, ALG, { extractable: true });
      const jwk = await exportJWK(key);
      out.set(await calculateJwkThumbprint(jwk), key);
      return out;
    }
    const doc = JSON.parse(text) as { keys?: unknown };
    const jwks = Array.isArray(doc.keys) ? (doc.keys as JWK[]) : [doc as JWK];
    for (const jwk of jwks) {
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new Error('expected EC P-256 public keys');
      const pub: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
      out.set(await calculateJwkThumbprint(pub), (await importJWK(pub, ALG)) as CryptoKey);
    }
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw new AuditError('ERR_AUDIT_KEY', `${file}: invalid public key: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (out.size === 0) throw new AuditError('ERR_AUDIT_KEY', `${file}: no public key in the file`);
  return out;
}
