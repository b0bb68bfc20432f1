/**
 * @module Turns a certificate template into a signed certificate: encodes the TBSCertificate (through the
 * forge seam) and signs it with the issuer's key using Node's native crypto. Identity layer.
 */
import type { KeyObject } from 'node:crypto';
import { Certificate } from './certificate.js';
import { encodeSigned, encodeTbsCertificate, type TbsSpec } from './internal/forge.js';
import { signBytes } from './keys.js';

/** Encode and sign `spec` with `issuerKey` (the subject's own key for a self-signed root). */
export function signCertificate(spec: TbsSpec, issuerKey: KeyObject): Certificate {
  const tbs = encodeTbsCertificate(spec);
  const signature = signBytes(issuerKey, tbs);
  return Certificate.fromDer(encodeSigned(tbs, spec.signatureAlgorithm, signature));
}
