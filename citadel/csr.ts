/**
 * @module PKCS#10 certificate signing requests for X.509-SVIDs: the workload side builds one (its key never
 * leaves it); the CA side parses it, verifies its self-signature and extracts the one SPIFFE ID it asks for.
 * Identity layer, first stage of issuance.
 */
import type { KeyObject } from 'node:crypto';
import { CitadelError } from './errors.js';
import {
  decodeCsr,
  decodeSubjectAltName,
  encodeCertificationRequestInfo,
  encodeName,
  encodeSigned,
  OID,
} from './internal/forge.js';
import {
  importPublicKeyFromSpki,
  type KeyType,
  keyTypeOf,
  signatureAlgorithmFor,
  signatureAlgorithmFromOid,
  signBytes,
  spkiOf,
  verifyBytesAsync,
} from './keys.js';
import { pemBlocks, toPem } from './pem.js';
import { parseSpiffeId, type SpiffeId } from './spiffe-id.js';

/** A CSR that passed every check: the SPIFFE ID it asks for and the key to certify. */
export interface VerifiedCsr {
  spiffeId: SpiffeId;
  /** SubjectPublicKeyInfo DER, copied into the certificate. */
  spki: Buffer;
  publicKey: KeyObject;
  keyType: KeyType;
}

/** Largest CSR accepted (an RSA-3072 CSR is about 1 KiB). */
export const MAX_CSR_BYTES = 16 * 1024;

const SUBJECT = encodeName([{ type: 'O', value: 'Palisade' }]);

/** Build a DER CSR for `spiffeId`, signed by `privateKey` (the workload's own key). */
export function createCsr(privateKey: KeyObject, spiffeId: SpiffeId): Buffer {
  keyTypeOf(privateKey);
  const info = encodeCertificationRequestInfo(SUBJECT, spkiOf(privateKey), [spiffeId.toString()]);
  return encodeSigned(info, signatureAlgorithmFor(privateKey), signBytes(privateKey, info));
}

/** `createCsr` as PEM (`CERTIFICATE REQUEST`). */
export function createCsrPem(privateKey: KeyObject, spiffeId: SpiffeId): string {
  return toPem(createCsr(privateKey, spiffeId), 'CERTIFICATE REQUEST');
}

function bad(message: string, cause?: unknown): CitadelError {
  return new CitadelError('ERR_CITADEL_CSR_INVALID', `CSR rejected: ${message}`, { cause });
}

/**
 * Parse and verify a CSR (PEM text or DER) for trust domain `trustDomain`: its signature must verify with
 * its own key, the key must be a supported type, and it must ask for exactly one URI SAN, a workload SPIFFE
 * ID in that trust domain, and nothing else.
 *
 * @throws CitadelError `ERR_CITADEL_CSR_INVALID` saying which rule failed (as a rejected promise).
 */
export async function verifyCsr(input: string | Buffer, trustDomain: string): Promise<VerifiedCsr> {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (size === 0) throw bad('empty');
  if (size > MAX_CSR_BYTES) throw bad(`larger than ${MAX_CSR_BYTES} bytes`);
  let der: Buffer;
  if (typeof input === 'string') {
    let blocks: Buffer[];
    try {
      blocks = pemBlocks(input, 'CERTIFICATE REQUEST', 'csr_pem', 'ERR_CITADEL_CSR_INVALID');
    } catch (err) {
      throw bad((err as Error).message, err);
    }
    if (blocks.length !== 1) throw bad(`expected one CERTIFICATE REQUEST block, found ${blocks.length}`);
    der = blocks[0] as Buffer;
  } else {
    der = input;
  }
  let decoded: ReturnType<typeof decodeCsr>;
  try {
    decoded = decodeCsr(der);
  } catch (err) {
    throw bad((err as Error).message.replace(/^CSR /, ''), err);
  }
  if (decoded.version !== 0) throw bad(`unsupported version ${decoded.version}`);
  let publicKey: KeyObject;
  let keyType: KeyType;
  try {
    publicKey = await importPublicKeyFromSpki(decoded.spki);
    keyType = keyTypeOf(publicKey);
  } catch (err) {
    throw bad(`public key: ${(err as Error).message}`, err);
  }
  const alg = signatureAlgorithmFromOid(decoded.signatureAlgorithmOid);
  if (alg === undefined) throw bad(`unsupported signature algorithm ${decoded.signatureAlgorithmOid}`);
  if (!(await verifyBytesAsync(publicKey, alg, decoded.info, decoded.signature))) {
    throw bad('signature does not verify with the public key it contains');
  }
  const sanExt = decoded.requestedExtensions.filter((e) => e.oid === OID.subjectAltName);
  if (sanExt.length > 1) throw bad('more than one subjectAltName extension');
  const san = sanExt[0] ? decodeSubjectAltName(sanExt[0].value) : undefined;
  const uris = san?.uris ?? [];
  if (uris.length !== 1) {
    throw bad(`must request exactly one URI SAN (a SPIFFE ID), found ${uris.length}`);
  }
  if (san !== undefined && san.dnsNames.length + san.ipAddresses.length + san.other > 0) {
    throw bad('requests SANs other than its SPIFFE ID (X.509-SVIDs carry only the URI SAN)');
  }
  let spiffeId: SpiffeId;
  try {
    spiffeId = parseSpiffeId(uris[0] as string);
  } catch (err) {
    throw bad((err as Error).message, err);
  }
  if (spiffeId.isTrustDomainId) throw bad(`${spiffeId} has no path; a workload ID is required`);
  if (!spiffeId.memberOf(trustDomain)) {
    throw bad(`${spiffeId} is outside trust domain "${trustDomain}"`);
  }
  return { spiffeId, spki: decoded.spki, publicKey, keyType };
}
