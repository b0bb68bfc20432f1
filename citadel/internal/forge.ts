/**
 * @module The seam to node-forge, the only file that imports it: DER encoding and decoding of X.509
 * certificates, names, extensions and PKCS#10 requests. Keys and signatures never pass through forge —
 * callers sign the encoded bytes with Node's native crypto. Internal to citadel/.
 */
import { createRequire } from 'node:module';
import type forge from 'node-forge';
import { CitadelError, type CitadelErrorCode } from '../errors.js';
import { childBytes, derHeader, derSequence, derTime, derTlv, firstChildBytes, headerLength } from './der.js';

// forge's ASN.1 and text helpers only, not its index: the index also loads its TLS, cipher, RSA, PKCS#7/#12
// and X.509 code, which every sidecar would carry in memory for the certificate decoding done here.
// node-forge is pinned in package.json.
const requireForge = createRequire(import.meta.url);
const asn1 = requireForge('node-forge/lib/asn1.js') as typeof forge.asn1;
const util = requireForge('node-forge/lib/util.js') as typeof forge.util;
type Asn1 = forge.asn1.Asn1;
const C = asn1.Class;
const T = asn1.Type;

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  rsaSha256: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  extensionRequest: '1.2.840.113549.1.9.14',
} as const;

const NAME_OID = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;

/** Signature algorithms citadel signs and accepts. */
export type SignatureAlgorithm = 'ecdsa-sha256' | 'rsa-sha256';

/** Key usage bits by RFC 5280 name, in bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface NameAttribute {
  type: keyof typeof NAME_OID;
  value: string;
}

/** Everything that goes into a TBSCertificate; bytes are DER. */
export interface TbsSpec {
  serial: Buffer;
  signatureAlgorithm: SignatureAlgorithm;
  /** The issuer's subject Name, DER, copied from the issuer certificate (self for a root). */
  issuerName: Buffer;
  subjectName: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  spki: Buffer;
  isCa: boolean;
  pathLen?: number | undefined;
  keyUsage: readonly KeyUsage[];
  /** Default true, as the X509-SVID spec requires; false exists only to let tests mint non-conformant certs. */
  keyUsageCritical?: boolean | undefined;
  extKeyUsage?: readonly ('serverAuth' | 'clientAuth')[] | undefined;
  uris: readonly string[];
  dnsNames?: readonly string[] | undefined;
  /** IPv4 (4 bytes) or IPv6 (16 bytes) addresses. */
  ipAddresses?: readonly Buffer[] | undefined;
  subjectKeyId: Buffer;
  authorityKeyId?: Buffer | undefined;
}

// --- small builders ---

const bin = (b: Buffer): string => b.toString('latin1');
const buf = (s: string): Buffer => Buffer.from(s, 'latin1');
const seq = (items: Asn1[]): Asn1 => asn1.create(C.UNIVERSAL, T.SEQUENCE, true, items);
// OID encoding is pure and hot (about eight per certificate): encode each OID once.
const oidBytes = new Map<string, string>();
const oid = (o: string): Asn1 => {
  let bytes = oidBytes.get(o);
  if (bytes === undefined) {
    bytes = asn1.oidToDer(o).getBytes();
    oidBytes.set(o, bytes);
  }
  return asn1.create(C.UNIVERSAL, T.OID, false, bytes);
};
const octets = (b: Buffer): Asn1 => asn1.create(C.UNIVERSAL, T.OCTETSTRING, false, bin(b));
const bool = (v: boolean): Asn1 => asn1.create(C.UNIVERSAL, T.BOOLEAN, false, v ? '\xff' : '\x00');
const bitString = (b: Buffer, unused = 0): Asn1 =>
  asn1.create(C.UNIVERSAL, T.BITSTRING, false, String.fromCharCode(unused) + bin(b));
const fromDer = (b: Buffer): Asn1 =>
  (asn1.fromDer as unknown as (bytes: string, options: object) => Asn1)(bin(b), {
    strict: true,
    parseAllBytes: true,
    decodeBitStrings: false,
  });
const toDer = (a: Asn1): Buffer => buf(asn1.toDer(a).getBytes());

function smallInt(n: number): Asn1 {
  return asn1.create(C.UNIVERSAL, T.INTEGER, false, asn1.integerToDer(n).getBytes());
}

function algorithmIdentifier(alg: SignatureAlgorithm): Asn1 {
  return alg === 'ecdsa-sha256'
    ? seq([oid(OID.ecdsaSha256)])
    : seq([oid(OID.rsaSha256), asn1.create(C.UNIVERSAL, T.NULL, false, '')]);
}

const ALG_DER: Record<SignatureAlgorithm, Buffer> = {
  'ecdsa-sha256': toDer(algorithmIdentifier('ecdsa-sha256')),
  'rsa-sha256': toDer(algorithmIdentifier('rsa-sha256')),
};
const algorithmIdentifierDer = (alg: SignatureAlgorithm): Buffer => ALG_DER[alg];

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  return seq(critical ? [oid(id), bool(true), octets(toDer(value))] : [oid(id), octets(toDer(value))]);
}

/** Encode key usage names as the DER BIT STRING value (unused-bits byte first), minimal length. */
function keyUsageBits(usages: readonly KeyUsage[]): Asn1 {
  const bytes = Buffer.alloc(2);
  let highest = -1;
  for (const u of usages) {
    const i = KEY_USAGE_BITS.indexOf(u);
    bytes[i >> 3] = (bytes[i >> 3] as number) | (0x80 >> (i & 7));
    highest = Math.max(highest, i);
  }
  const used = highest < 8 ? bytes.subarray(0, 1) : bytes;
  const last = used[used.length - 1] as number;
  let unused = 0;
  while (unused < 8 && (last & (1 << unused)) === 0) unused++;
  return bitString(used, last === 0 ? 0 : unused);
}

/** Encode a distinguished name (one attribute per RDN, in order). */
export function encodeName(attrs: readonly NameAttribute[]): Buffer {
  return toDer(
    seq(
      attrs.map((a) =>
        asn1.create(C.UNIVERSAL, T.SET, true, [
          seq([
            oid(NAME_OID[a.type]),
            asn1.create(
              C.UNIVERSAL,
              a.type === 'C' ? T.PRINTABLESTRING : T.UTF8,
              false,
              a.type === 'C' ? a.value : util.encodeUtf8(a.value),
            ),
          ]),
        ]),
      ),
    ),
  );
}

function subjectAltName(uris: readonly string[], dns: readonly string[], ips: readonly Buffer[]): Asn1 {
  return seq([
    ...uris.map((u) => asn1.create(C.CONTEXT_SPECIFIC, 6, false, u)),
    ...dns.map((d) => asn1.create(C.CONTEXT_SPECIFIC, 2, false, d)),
    ...ips.map((ip) => asn1.create(C.CONTEXT_SPECIFIC, 7, false, bin(ip))),
  ]);
}

/**
 * Encode a TBSCertificate (X.509 v3) from its spec. This runs once per issued SVID, so parts that are the
 * same for every certificate of a kind (version, algorithm, basic constraints, key usages) are encoded once
 * through forge and cached, the issuer's authority key identifier once per issuer, and the per-certificate
 * parts (serial, validity, key, key identifier, SANs) are framed directly as DER around their bytes.
 */
export function encodeTbsCertificate(spec: TbsSpec): Buffer {
  const exts: Buffer[] = [
    constantExtension(`bc:${spec.isCa}:${spec.pathLen}`, () =>
      extension(
        OID.basicConstraints,
        true,
        seq(spec.isCa ? [bool(true), ...(spec.pathLen === undefined ? [] : [smallInt(spec.pathLen)])] : []),
      ),
    ),
    constantExtension(`ku:${spec.keyUsageCritical ?? true}:${spec.keyUsage.join(',')}`, () =>
      extension(OID.keyUsage, spec.keyUsageCritical ?? true, keyUsageBits(spec.keyUsage)),
    ),
  ];
  const eku = spec.extKeyUsage;
  if (eku !== undefined && eku.length > 0) {
    exts.push(
      constantExtension(`eku:${eku.join(',')}`, () =>
        extension(OID.extKeyUsage, false, seq(eku.map((e) => oid(OID[e])))),
      ),
    );
  }
  // subjectKeyIdentifier: extnValue is an OCTET STRING holding the DER OCTET STRING of the key id.
  exts.push(rawExtension(SKI_PREFIX, derTlv(0x04, [spec.subjectKeyId])));
  if (spec.authorityKeyId !== undefined) exts.push(authorityKeyIdExtension(spec.authorityKeyId));
  const dns = spec.dnsNames ?? [];
  const ips = spec.ipAddresses ?? [];
  if (spec.uris.length + dns.length + ips.length > 0) {
    // GeneralNames: uniformResourceIdentifier [6], dNSName [2], iPAddress [7], all IMPLICIT primitive.
    const names = [
      ...spec.uris.map((u) => derTlv(0x86, [Buffer.from(u, 'latin1')])),
      ...dns.map((d) => derTlv(0x82, [Buffer.from(d, 'latin1')])),
      ...ips.map((ip) => derTlv(0x87, [ip])),
    ];
    exts.push(rawExtension(SAN_PREFIX, derTlv(0x30, names)));
  }
  // Names, key and extensions are already DER: splice them rather than re-encoding them through forge.
  return derSequence([
    VERSION_3,
    derTlv(0x02, [spec.serial]),
    algorithmIdentifierDer(spec.signatureAlgorithm),
    spec.issuerName,
    derTlv(0x30, [derTime(spec.notBefore), derTime(spec.notAfter)]),
    spec.subjectName,
    spec.spki,
    derTlv(0xa3, [derTlv(0x30, exts)]),
  ]);
}

const VERSION_3 = toDer(asn1.create(C.CONTEXT_SPECIFIC, 0, true, [smallInt(2)]));
const SKI_PREFIX = toDer(oid(OID.subjectKeyId));
const SAN_PREFIX = toDer(oid(OID.subjectAltName));
const AKI_PREFIX = toDer(oid(OID.authorityKeyId));

// Extensions that are the same for every certificate of a kind (basic constraints, key usages), encoded once.
const constantExtensions = new Map<string, Buffer>();
function constantExtension(key: string, build: () => Asn1): Buffer {
  let der = constantExtensions.get(key);
  if (der === undefined) {
    der = toDer(build());
    constantExtensions.set(key, der);
  }
  return der;
}

/** A non-critical Extension: SEQUENCE { extnID, extnValue OCTET STRING (value DER) }. */
function rawExtension(oidDer: Buffer, value: Buffer): Buffer {
  return derTlv(0x30, [oidDer, derTlv(0x04, [value])]);
}

// One issuer signs every leaf with the same authority key identifier: encode it once per issuer key id.
const authorityKeyIds = new WeakMap<Buffer, Buffer>();
function authorityKeyIdExtension(keyId: Buffer): Buffer {
  let der = authorityKeyIds.get(keyId);
  if (der === undefined) {
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
    der = rawExtension(AKI_PREFIX, derTlv(0x30, [derTlv(0x80, [keyId])]));
    authorityKeyIds.set(keyId, der);
  }
  return der;
}

/** Wrap signed bytes (a TBSCertificate or a CertificationRequestInfo) with algorithm and signature. */
export function encodeSigned(tbs: Buffer, alg: SignatureAlgorithm, signature: Buffer): Buffer {
  const header = toDer(seq([algorithmIdentifier(alg), bitString(signature)]));
  // Splice the TBS bytes in verbatim (re-encoding could change what was signed).
  const body = Buffer.concat([tbs, header.subarray(headerLength(header))]);
  return Buffer.concat([derHeader(0x30, body.length), body]);
}

/** Encode a PKCS#10 CertificationRequestInfo asking for the given URI SANs. */
export function encodeCertificationRequestInfo(
  subjectName: Buffer,
  spki: Buffer,
  uris: readonly string[],
): Buffer {
  const extReq = seq([
    oid(OID.extensionRequest),
    asn1.create(C.UNIVERSAL, T.SET, true, [
      seq([extension(OID.subjectAltName, false, subjectAltName(uris, [], []))]),
    ]),
  ]);
  return derSequence([
    toDer(smallInt(0)),
    subjectName,
    spki,
    toDer(asn1.create(C.CONTEXT_SPECIFIC, 0, true, [extReq])),
  ]);
}

// --- decoding ---

export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

export interface SubjectAltNames {
  uris: string[];
  dnsNames: string[];
  ipAddresses: Buffer[];
  /** Count of other GeneralName forms (email, otherName, directoryName...). */
  other: number;
}

/** A certificate's fields as citadel's validator needs them. */
export interface DecodedCertificate {
  der: Buffer;
  tbs: Buffer;
  version: number;
  serialHex: string;
  signatureAlgorithmOid: string;
  innerSignatureAlgorithmOid: string;
  signature: Buffer;
  issuerName: Buffer;
  subjectName: Buffer;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  publicKeyAlgorithmOid: string;
  extensions: RawExtension[];
}

export interface DecodedCsr {
  info: Buffer;
  version: number;
  subjectName: Buffer;
  spki: Buffer;
  signatureAlgorithmOid: string;
  signature: Buffer;
  /** Extensions requested through the PKCS#9 extensionRequest attribute. */
  requestedExtensions: RawExtension[];
}

function fail(code: CitadelErrorCode, what: string, cause?: unknown): never {
  throw new CitadelError(code, what, { cause });
}

function children(node: Asn1 | undefined, code: CitadelErrorCode, what: string): Asn1[] {
  if (node === undefined || !Array.isArray(node.value)) fail(code, `${what}: expected a constructed value`);
  return node.value as Asn1[];
}

function primitive(node: Asn1 | undefined, type: number, code: CitadelErrorCode, what: string): string {
  if (
    node === undefined ||
    node.tagClass !== C.UNIVERSAL ||
    node.type !== type ||
    typeof node.value !== 'string'
  ) {
    fail(code, `${what}: unexpected ASN.1 element`);
  }
  return node.value;
}

function parseTime(node: Asn1 | undefined, code: CitadelErrorCode, what: string): Date {
  if (node?.type === T.UTCTIME) return asn1.utcTimeToDate(node.value as string);
  if (node?.type === T.GENERALIZEDTIME) return asn1.generalizedTimeToDate(node.value as string);
  fail(code, `${what}: expected UTCTime or GeneralizedTime`);
}

function parseExtensions(list: Asn1[], code: CitadelErrorCode): RawExtension[] {
  return list.map((e, i) => {
    const parts = children(e, code, `extension ${i}`);
    const critical =
      parts.length === 3 ? primitive(parts[1], T.BOOLEAN, code, `extension ${i}`) !== '\x00' : false;
    return {
      oid: asn1.derToOid(primitive(parts[0], T.OID, code, `extension ${i} id`)),
      critical,
      value: buf(primitive(parts[parts.length - 1], T.OCTETSTRING, code, `extension ${i} value`)),
    };
  });
}

function bitStringBytes(s: string, code: CitadelErrorCode, what: string): Buffer {
  if (s.length < 1 || s.charCodeAt(0) !== 0) fail(code, `${what}: bit string with unused bits`);
  return buf(s.slice(1));
}

/** Decode a DER certificate. @throws CitadelError `ERR_CITADEL_CERT_PARSE` */
export function decodeCertificate(der: Buffer): DecodedCertificate {
  const code = 'ERR_CITADEL_CERT_PARSE';
  let root: Asn1;
  try {
    root = fromDer(der);
  } catch (err) {
    fail(code, `not a DER certificate: ${(err as Error).message}`, err);
  }
  const [tbsNode, algNode, sigNode] = children(root, code, 'certificate');
  const tbsParts = children(tbsNode, code, 'tbsCertificate');
  let i = 0;
  let version = 1;
  if (tbsParts[0]?.tagClass === C.CONTEXT_SPECIFIC && tbsParts[0].type === 0) {
    version =
      asn1.derToInteger(primitive(children(tbsParts[0], code, 'version')[0], T.INTEGER, code, 'version')) + 1;
    i = 1;
  }
  const serial = buf(primitive(tbsParts[i], T.INTEGER, code, 'serialNumber'));
  const innerAlg = children(tbsParts[i + 1], code, 'signature');
  const validity = children(tbsParts[i + 3], code, 'validity');
  const spkiNode = tbsParts[i + 5];
  const tbsBytes = firstChildBytes(der);
  // Exact bytes of names and key, as signed (forge re-encoding could differ for non-canonical input).
  const tbsChildren = childBytes(tbsBytes);
  const spkiAlg = children(children(spkiNode, code, 'subjectPublicKeyInfo')[0], code, 'algorithm');
  let extensions: RawExtension[] = [];
  for (const extra of tbsParts.slice(i + 6)) {
    if (extra.tagClass === C.CONTEXT_SPECIFIC && extra.type === 3) {
      extensions = parseExtensions(
        children(children(extra, code, 'extensions')[0], code, 'extensions'),
        code,
      );
    }
  }
  return {
    der,
    tbs: tbsBytes,
    version,
    serialHex: serial.toString('hex').replace(/^00(?=[89a-f])/, ''),
    signatureAlgorithmOid: asn1.derToOid(
      primitive(children(algNode, code, 'signatureAlgorithm')[0], T.OID, code, 'signatureAlgorithm'),
    ),
    innerSignatureAlgorithmOid: asn1.derToOid(primitive(innerAlg[0], T.OID, code, 'signature')),
    signature: bitStringBytes(
      primitive(sigNode, T.BITSTRING, code, 'signatureValue'),
      code,
      'signatureValue',
    ),
    issuerName: tbsChildren[i + 2] as Buffer,
    subjectName: tbsChildren[i + 4] as Buffer,
    notBefore: parseTime(validity[0], code, 'notBefore'),
    notAfter: parseTime(validity[1], code, 'notAfter'),
    spki: tbsChildren[i + 5] as Buffer,
    publicKeyAlgorithmOid: asn1.derToOid(
      primitive(spkiAlg[0], T.OID, code, 'subjectPublicKeyInfo.algorithm'),
    ),
    extensions,
  };
}

/** Decode a DER PKCS#10 request. @throws CitadelError `ERR_CITADEL_CSR_INVALID` */
export function decodeCsr(der: Buffer): DecodedCsr {
  const code = 'ERR_CITADEL_CSR_INVALID';
  let root: Asn1;
  try {
    root = fromDer(der);
  } catch (err) {
    fail(code, `CSR is not valid DER: ${(err as Error).message}`, err);
  }
  const [infoNode, algNode, sigNode] = children(root, code, 'CSR');
  const [versionNode, subjectNode, spkiNode, attrsNode] = children(
    infoNode,
    code,
    'certificationRequestInfo',
  );
  if (subjectNode === undefined || spkiNode === undefined)
    fail(code, 'certificationRequestInfo: missing fields');
  const info = firstChildBytes(der);
  const infoChildren = childBytes(info);
  const requestedExtensions: RawExtension[] = [];
  if (attrsNode !== undefined) {
    for (const attr of children(attrsNode, code, 'attributes')) {
      const [typeNode, valuesNode] = children(attr, code, 'attribute');
      if (asn1.derToOid(primitive(typeNode, T.OID, code, 'attribute type')) !== OID.extensionRequest)
        continue;
      for (const value of children(valuesNode, code, 'extensionRequest')) {
        requestedExtensions.push(...parseExtensions(children(value, code, 'extensionRequest'), code));
      }
    }
  }
  return {
    info,
    version: asn1.derToInteger(primitive(versionNode, T.INTEGER, code, 'version')),
    subjectName: infoChildren[1] as Buffer,
    spki: infoChildren[2] as Buffer,
    signatureAlgorithmOid: asn1.derToOid(
      primitive(children(algNode, code, 'signatureAlgorithm')[0], T.OID, code, 'signatureAlgorithm'),
    ),
    signature: bitStringBytes(primitive(sigNode, T.BITSTRING, code, 'signature'), code, 'signature'),
    requestedExtensions,
  };
}

// --- extension values ---

export function decodeBasicConstraints(value: Buffer): { cA: boolean; pathLen: number | undefined } {
  const parts = children(fromDer(value), 'ERR_CITADEL_CERT_PARSE', 'basicConstraints');
  let cA = false;
  let pathLen: number | undefined;
  for (const p of parts) {
    if (p.type === T.BOOLEAN) cA = p.value !== '\x00';
    else if (p.type === T.INTEGER) pathLen = asn1.derToInteger(p.value as string);
  }
  return { cA, pathLen };
}

export function decodeKeyUsage(value: Buffer): Set<KeyUsage> {
  const s = primitive(fromDer(value), T.BITSTRING, 'ERR_CITADEL_CERT_PARSE', 'keyUsage');
  const out = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = s.charCodeAt(1 + (i >> 3));
    if (!Number.isNaN(byte) && (byte & (0x80 >> (i & 7))) !== 0) out.add(name);
  });
  return out;
}

export function decodeExtKeyUsage(value: Buffer): string[] {
  return children(fromDer(value), 'ERR_CITADEL_CERT_PARSE', 'extKeyUsage').map((n) =>
    asn1.derToOid(primitive(n, T.OID, 'ERR_CITADEL_CERT_PARSE', 'extKeyUsage')),
  );
}

export function decodeSubjectAltName(value: Buffer): SubjectAltNames {
  const out: SubjectAltNames = { uris: [], dnsNames: [], ipAddresses: [], other: 0 };
  for (const n of children(fromDer(value), 'ERR_CITADEL_CERT_PARSE', 'subjectAltName')) {
    if (n.tagClass !== C.CONTEXT_SPECIFIC || typeof n.value !== 'string') out.other++;
    else if (n.type === 6) out.uris.push(n.value);
    else if (n.type === 2) out.dnsNames.push(n.value);
    else if (n.type === 7) out.ipAddresses.push(buf(n.value));
    else out.other++;
  }
  return out;
}

export function decodeSubjectKeyId(value: Buffer): Buffer {
  return buf(primitive(fromDer(value), T.OCTETSTRING, 'ERR_CITADEL_CERT_PARSE', 'subjectKeyIdentifier'));
}

export function decodeAuthorityKeyId(value: Buffer): Buffer | undefined {
  const first = children(fromDer(value), 'ERR_CITADEL_CERT_PARSE', 'authorityKeyIdentifier')[0];
  return first?.tagClass === C.CONTEXT_SPECIFIC && first.type === 0 ? buf(first.value as string) : undefined;
}

/** Render a DER Name as `O=Palisade, CN=…` for people. */
export function describeName(name: Buffer): string {
  const short: Record<string, string> = Object.fromEntries(Object.entries(NAME_OID).map(([k, v]) => [v, k]));
  const rdns = children(fromDer(name), 'ERR_CITADEL_CERT_PARSE', 'name');
  return rdns
    .flatMap((rdn) => (Array.isArray(rdn.value) ? (rdn.value as Asn1[]) : []))
    .map((atv) => {
      const [t, v] = atv.value as Asn1[];
      const type = asn1.derToOid((t?.value as string) ?? '');
      const text = typeof v?.value === 'string' ? util.decodeUtf8(v.value) : '';
      return `${short[type] ?? type}=${text}`;
    })
    .join(', ');
}
