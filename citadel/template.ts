/**
 * @module What goes into each kind of certificate citadel issues — root, intermediate, workload X.509-SVID,
 * citadel's own serving certificate — per the X509-SVID spec. Identity layer: builds TbsSpecs, signs nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Certificate } from './certificate.js';
import type { Clock } from './clock.js';
import { CitadelError } from './errors.js';
import { encodeName, type SignatureAlgorithm, type TbsSpec } from './internal/forge.js';
import { keyIdentifier } from './keys.js';
import { type SpiffeId, trustDomainId } from './spiffe-id.js';

/** notBefore is back-dated by this much so peers with slightly slow clocks accept a fresh SVID. */
export const CLOCK_SKEW_MS = 10_000;

// Each randomBytes call is a locked trip into OpenSSL's DRBG, which showed up in issuance profiles: draw
// serials from a pool of CSPRNG output instead, each serial copied out and each pool byte used once.
const SERIAL_POOL_BYTES = 16 * 256;
let serialPool = Buffer.alloc(0);
let serialPoolAt = 0;

/** A random positive 128-bit serial, minimally DER-encodable (first byte 0x01–0x7f). */
export function randomSerial(): Buffer {
  if (serialPoolAt + 16 > serialPool.length) {
    serialPool = randomBytes(SERIAL_POOL_BYTES);
    serialPoolAt = 0;
  }
  const serial = Buffer.from(serialPool.subarray(serialPoolAt, serialPoolAt + 16));
  serialPool.fill(0, serialPoolAt, serialPoolAt + 16);
  serialPoolAt += 16;
  serial[0] = (serial[0] as number) & 0x7f || 0x01;
  return serial;
}

export interface RootCaParams {
  trustDomain: string;
  spki: Buffer;
  signatureAlgorithm: SignatureAlgorithm;
  ttlMs: number;
  /** Distinguishes this root from earlier ones in the subject (e.g. the creation date and a short id). */
  label: string;
}

export interface IntermediateCaParams {
  trustDomain: string;
  spki: Buffer;
  ttlMs: number;
  label: string;
  parent: Certificate;
  parentSignatureAlgorithm: SignatureAlgorithm;
}

export interface WorkloadSvidParams {
  spiffeId: SpiffeId;
  spki: Buffer;
  /** Already clamped to policy by the caller; still capped at the parent's notAfter here. */
  ttlMs: number;
  parent: Certificate;
  parentSignatureAlgorithm: SignatureAlgorithm;
  /** Extra SANs for citadel's own serving certificate; workloads get only their URI. */
  dnsNames?: readonly string[];
  ipAddresses?: readonly Buffer[];
}

/** Name of a CA certificate: organisation, trust domain, and a label unique per generation. */
function caName(kind: string, trustDomain: string, label: string): Buffer {
  return encodeName([
    { type: 'O', value: 'Palisade' },
    { type: 'OU', value: trustDomain },
    { type: 'CN', value: `Palisade ${kind} ${label}` },
  ]);
}

const WORKLOAD_NAME = encodeName([{ type: 'O', value: 'Palisade' }]);

/** Template of a self-signed root CA: cA=true, keyCertSign+cRLSign, trust-domain ID as URI SAN. */
export function rootCaTemplate(p: RootCaParams, clock: Clock): TbsSpec {
  const now = clock.now();
  const name = caName('Root CA', p.trustDomain, p.label);
  const ski = keyIdentifier(p.spki);
  return {
    serial: randomSerial(),
    signatureAlgorithm: p.signatureAlgorithm,
    issuerName: name,
    subjectName: name,
    notBefore: new Date(now - CLOCK_SKEW_MS),
    notAfter: new Date(now + p.ttlMs),
    spki: p.spki,
    isCa: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
    uris: [trustDomainId(p.trustDomain).toString()],
    subjectKeyId: ski,
    authorityKeyId: ski,
  };
}

/** Template of an issuing intermediate: cA=true, pathLen 0 (it signs leaves only), capped at its root. */
export function intermediateCaTemplate(p: IntermediateCaParams, clock: Clock): TbsSpec {
  const now = clock.now();
  return {
    serial: randomSerial(),
    signatureAlgorithm: p.parentSignatureAlgorithm,
    issuerName: p.parent.decoded.subjectName,
    subjectName: caName('Intermediate CA', p.trustDomain, p.label),
    notBefore: new Date(now - CLOCK_SKEW_MS),
    notAfter: capAt(now + p.ttlMs, p.parent),
    spki: p.spki,
    isCa: true,
    pathLen: 0,
    keyUsage: ['keyCertSign', 'cRLSign'],
    uris: [trustDomainId(p.trustDomain).toString()],
    subjectKeyId: keyIdentifier(p.spki),
    authorityKeyId: p.parent.subjectKeyId,
  };
}

/**
 * Template of a workload X.509-SVID: exactly one URI SAN, cA=false, critical keyUsage digitalSignature
 * (never keyCertSign/cRLSign), EKU serverAuth+clientAuth, never outliving its issuer.
 */
export function workloadSvidTemplate(p: WorkloadSvidParams, clock: Clock): TbsSpec {
  if (p.spiffeId.isTrustDomainId) {
    throw new CitadelError(
      'ERR_CITADEL_INVALID_ARGUMENT',
      `a workload SVID needs a path (got ${p.spiffeId})`,
    );
  }
  const now = clock.now();
  return {
    serial: randomSerial(),
    signatureAlgorithm: p.parentSignatureAlgorithm,
    issuerName: p.parent.decoded.subjectName,
    subjectName: WORKLOAD_NAME,
    notBefore: new Date(Math.max(now - CLOCK_SKEW_MS, p.parent.notBefore.getTime())),
    notAfter: capAt(now + p.ttlMs, p.parent),
    spki: p.spki,
    isCa: false,
    keyUsage: isRsaSpki(p.spki) ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extKeyUsage: ['serverAuth', 'clientAuth'],
    uris: [p.spiffeId.toString()],
    dnsNames: p.dnsNames,
    ipAddresses: p.ipAddresses,
    subjectKeyId: keyIdentifier(p.spki),
    authorityKeyId: p.parent.subjectKeyId,
  };
}

/** rsaEncryption OID bytes appear early in an RSA SPKI; RSA TLS 1.2 key exchange needs keyEncipherment. */
function isRsaSpki(spki: Buffer): boolean {
  return spki.subarray(0, 24).includes(Buffer.from('2a864886f70d010101', 'hex'));
}

function capAt(wanted: number, parent: Certificate): Date {
  return new Date(Math.min(wanted, parent.notAfter.getTime()));
}
