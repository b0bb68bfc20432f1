/**
 * @module Signed policy bundles: the key from `policy.verification_key` and the check every bundle passes
 * before it is loaded when that key is set. Authz layer; OPA's bundle signature format (policy/wasm's
 * verifier), so bundles signed by `palisade policy build --signing-key` or `opa build --signing-key` verify.
 * Fails closed: an unsigned, tampered or wrongly signed bundle is rejected and the last good policy stays.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type SigningKey, verificationKeyFrom, verifyFiles } from '../../policy/wasm/bundle-sign.js';
import { SidecarConfigError, SidecarError } from '../errors.js';
import type { BundleFiles } from './bundle-source.js';

export type { SigningKey };

/** Read the verification key file (PEM public key, or an HMAC secret). Exits 2 naming the field on error. */
export async function loadVerificationKey(file: string): Promise<SigningKey> {
  let material: string;
  try {
    material = await readFile(file, 'utf8');
  } catch (err) {
    throw new SidecarConfigError(`policy.verification_key: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return verificationKeyFrom(material);
  } catch (err) {
    throw new SidecarConfigError(`policy.verification_key: ${file}: ${(err as Error).message}`);
  }
}

const signaturesSchema = z.looseObject({ signatures: z.array(z.string()) });

/** Throw ERR_SIDECAR_POLICY_LOAD unless `bundle` carries a valid signature by `key` over all its files. */
export async function checkBundleSignature(
  bundle: BundleFiles,
  key: SigningKey,
  path: string,
): Promise<void> {
  const raw = bundle.files.get('/.signatures.json');
  if (raw === undefined) {
    throw new SidecarError(
      'ERR_SIDECAR_POLICY_LOAD',
      `${path}: bundle is not signed (no /.signatures.json) but policy.verification_key is set`,
    );
  }
  let doc: z.infer<typeof signaturesSchema>;
  try {
    doc = signaturesSchema.parse(JSON.parse(Buffer.from(raw).toString('utf8')));
  } catch (err) {
    throw new SidecarError('ERR_SIDECAR_POLICY_LOAD', `${path}: /.signatures.json is malformed`, {
      cause: err,
    });
  }
  try {
    await verifyFiles(bundle.files, doc.signatures, key);
  } catch (err) {
    throw new SidecarError('ERR_SIDECAR_POLICY_LOAD', `${path}: ${(err as Error).message}`, { cause: err });
  }
}
