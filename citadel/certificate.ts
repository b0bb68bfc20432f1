/**
 * @module A decoded X.509 certificate with the typed views citadel's validator and CLI need (SANs, basic
 * constraints, key usage, validity, key). Identity layer, above internal/forge.ts.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { CitadelError } from './errors.js';
import {
  type DecodedCertificate,
  decodeAuthorityKeyId,
  decodeBasicConstraints,
  decodeCertificate,
  decodeExtKeyUsage,
  decodeKeyUsage,
  decodeSubjectAltName,
  decodeSubjectKeyId,
  describeName,
  type KeyUsage,
  OID,
  type RawExtension,
  type SubjectAltNames,
} from './internal/forge.js';
import { type KeyType, keyTypeOf, publicKeyFromSpki } from './keys.js';
import { pemBlocks, toPem } from './pem.js';

/** Extensions citadel understands; any other critical extension makes a certificate unacceptable. */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyId,
  OID.authorityKeyId,
]);

/** An immutable parsed certificate. Construct with `Certificate.fromDer` / `Certificate.fromPem`. */
export class Certificate {
  readonly der: Buffer;
  readonly decoded: DecodedCertificate;
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly san: SubjectAltNames;
  readonly isCa: boolean;
  readonly pathLen: number | undefined;
  readonly hasBasicConstraints: boolean;
  /** undefined when the certificate has no keyUsage extension. */
  readonly keyUsage: ReadonlySet<KeyUsage> | undefined;
  readonly keyUsageCritical: boolean;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly subjectKeyId: Buffer | undefined;
  readonly authorityKeyId: Buffer | undefined;
  /** OIDs of critical extensions citadel does not understand (RFC 5280: must reject). */
  readonly unknownCriticalExtensions: readonly string[];
  #publicKey: KeyObject | undefined;
  #fingerprint: string | undefined;
  #pem: string | undefined;

  private constructor(decoded: DecodedCertificate) {
    this.der = decoded.der;
    this.decoded = decoded;
    this.serial = decoded.serialHex;
    this.notBefore = decoded.notBefore;
    this.notAfter = decoded.notAfter;
    const ext = (id: string): RawExtension | undefined => decoded.extensions.find((e) => e.oid === id);
    const san = ext(OID.subjectAltName);
    this.san = san ? decodeSubjectAltName(san.value) : { uris: [], dnsNames: [], ipAddresses: [], other: 0 };
    const bc = ext(OID.basicConstraints);
    const bcValue = bc ? decodeBasicConstraints(bc.value) : { cA: false, pathLen: undefined };
    this.hasBasicConstraints = bc !== undefined;
    this.isCa = bcValue.cA;
    this.pathLen = bcValue.pathLen;
    const ku = ext(OID.keyUsage);
    this.keyUsage = ku ? decodeKeyUsage(ku.value) : undefined;
    this.keyUsageCritical = ku?.critical ?? false;
    const eku = ext(OID.extKeyUsage);
    this.extKeyUsage = eku ? decodeExtKeyUsage(eku.value) : undefined;
    const ski = ext(OID.subjectKeyId);
    this.subjectKeyId = ski ? decodeSubjectKeyId(ski.value) : undefined;
    const aki = ext(OID.authorityKeyId);
    this.authorityKeyId = aki ? decodeAuthorityKeyId(aki.value) : undefined;
    this.unknownCriticalExtensions = decoded.extensions
      .filter((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid))
      .map((e) => e.oid);
  }

  /** Parse one DER certificate. @throws CitadelError `ERR_CITADEL_CERT_PARSE` */
  static fromDer(der: Buffer): Certificate {
    const decoded = decodeCertificate(der);
    try {
      return new Certificate(decoded);
    } catch (err) {
      if (err instanceof CitadelError) throw err;
      throw new CitadelError(
        'ERR_CITADEL_CERT_PARSE',
        `malformed certificate extension: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Parse every certificate in a PEM text, in order; `source` names the file in errors. */
  static fromPem(text: string, source: string): Certificate[] {
    return pemBlocks(text, 'CERTIFICATE', source).map((der, i) => {
      try {
        return Certificate.fromDer(der);
      } catch (err) {
        throw new CitadelError(
          'ERR_CITADEL_CERT_PARSE',
          `${source}: certificate ${i + 1}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    });
  }

  /** The subject public key (native KeyObject). */
  get publicKey(): KeyObject {
    this.#publicKey ??= publicKeyFromSpki(this.decoded.spki);
    return this.#publicKey;
  }

  get keyType(): KeyType {
    return keyTypeOf(this.publicKey);
  }

  /** SHA-256 of the DER, lowercase hex: what logs and the journal show instead of the certificate. */
  get fingerprint(): string {
    this.#fingerprint ??= createHash('sha256').update(this.der).digest('hex');
    return this.#fingerprint;
  }

  get subject(): string {
    return describeName(this.decoded.subjectName);
  }

  get issuer(): string {
    return describeName(this.decoded.issuerName);
  }

  /** True when `issuer`'s subject is this certificate's issuer name (no signature check). */
  namedIssuer(issuer: Certificate): boolean {
    return this.decoded.issuerName.equals(issuer.decoded.subjectName);
  }

  get isSelfIssued(): boolean {
    return this.decoded.issuerName.equals(this.decoded.subjectName);
  }

  toPem(): string {
    this.#pem ??= toPem(this.der, 'CERTIFICATE');
    return this.#pem;
  }
}
