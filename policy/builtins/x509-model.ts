/**
 * @module X.509 certificates and CSRs as OPA shows them: the JSON of Go's x509.Certificate /
 * x509.CertificateRequest (field names, enum numbers, base64 byte fields), read with asn1.ts. Keys become
 * Go's JSON of *rsa.PublicKey / *ecdsa.PublicKey / ed25519 keys.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { numberFromBigInt, ObjectValue, type Value } from '../value/index.js';
import { bigInt, contextTag, type Node, oid, parseDer, parseNested, TAG, text, time } from './asn1.js';
import { BuiltinError } from './builtin-error.js';
import { ipString } from './go-ip.js';

const o = (record: Record<string, Value>): ObjectValue => ObjectValue.fromRecord(record);
const b64 = (buf: Buffer): string => buf.toString('base64');
const oidValue = (ids: number[]): Value => [...ids];
const oidKey = (ids: number[]): string => ids.join('.');

const SIGNATURE_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1,
  '1.2.840.113549.1.1.4': 2,
  '1.2.840.113549.1.1.5': 3,
  '1.2.840.113549.1.1.11': 4,
  '1.2.840.113549.1.1.12': 5,
  '1.2.840.113549.1.1.13': 6,
  '1.2.840.10040.4.3': 7,
  '2.16.840.1.101.3.4.3.2': 8,
  '1.2.840.10045.4.1': 9,
  '1.2.840.10045.4.3.2': 10,
  '1.2.840.10045.4.3.3': 11,
  '1.2.840.10045.4.3.4': 12,
  '1.2.840.113549.1.1.10': 13,
  '1.3.101.112': 16,
};
const PUBLIC_KEY_ALGORITHMS: Record<string, number> = {
  '1.2.840.113549.1.1.1': 1,
  '1.2.840.10040.4.1': 2,
  '1.2.840.10045.2.1': 3,
  '1.3.101.112': 4,
};
const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};
const NAME_FIELDS: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

/** pkix.Name from an RDNSequence. */
export function nameValue(rdns: Node): ObjectValue {
  const lists: Record<string, string[]> = {};
  let commonName = '';
  let serialNumber = '';
  const names: Value[] = [];
  for (const rdn of rdns.children) {
    for (const atv of rdn.children) {
      const type = oid(atv.children[0] as Node);
      const value = text(atv.children[1] as Node);
      names.push(o({ Type: oidValue(type), Value: value }));
      const key = oidKey(type);
      if (key === '2.5.4.3') commonName = value;
      else if (key === '2.5.4.5') serialNumber = value;
      else if (NAME_FIELDS[key] !== undefined) {
        const field = NAME_FIELDS[key] as string;
        lists[field] = [...(lists[field] ?? []), value];
      }
    }
  }
  const field = (k: string): Value => (lists[k] === undefined ? null : [...(lists[k] as string[])]);
  return o({
    Country: field('Country'),
    Organization: field('Organization'),
    OrganizationalUnit: field('OrganizationalUnit'),
    Locality: field('Locality'),
    Province: field('Province'),
    StreetAddress: field('StreetAddress'),
    PostalCode: field('PostalCode'),
    SerialNumber: serialNumber,
    CommonName: commonName,
    Names: names.length === 0 ? null : names,
    ExtraNames: null,
  });
}

const jwkBig = (s: unknown): Value =>
  numberFromBigInt(BigInt(`0x${Buffer.from(String(s), 'base64url').toString('hex') || '0'}`));

/** Go's JSON for a public (or private) key. */
export function keyValue(key: KeyObject): Value {
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  switch (jwk.kty) {
    case 'RSA': {
      const pub = o({ N: jwkBig(jwk.n), E: jwkBig(jwk.e) });
      if (jwk.d === undefined) return pub;
      return o({
        N: jwkBig(jwk.n),
        E: jwkBig(jwk.e),
        D: jwkBig(jwk.d),
        Primes: [jwkBig(jwk.p), jwkBig(jwk.q)],
        Precomputed: o({ Dp: jwkBig(jwk.dp), Dq: jwkBig(jwk.dq), Qinv: jwkBig(jwk.qi), CRTValues: [] }),
      });
    }
    case 'EC': {
      const rec: Record<string, Value> = { Curve: new ObjectValue(), X: jwkBig(jwk.x), Y: jwkBig(jwk.y) };
      if (jwk.d !== undefined) rec.D = jwkBig(jwk.d);
      return o(rec);
    }
    case 'OKP': {
      const pub = Buffer.from(String(jwk.x), 'base64url');
      return b64(jwk.d === undefined ? pub : Buffer.concat([Buffer.from(String(jwk.d), 'base64url'), pub]));
    }
    default:
      return null;
  }
}

function spkiKey(spki: Node): Value {
  try {
    return keyValue(createPublicKey({ key: spki.raw, format: 'der', type: 'spki' }));
  } catch {
    return null;
  }
}

interface SanValues {
  dns: string[];
  email: string[];
  ip: string[];
  uri: string[];
}

function subjectAltNames(ext: Node, out: SanValues): void {
  for (const gn of ext.children) {
    const t = contextTag(gn);
    const s = gn.content.toString('latin1');
    if (t === 1) out.email.push(s);
    else if (t === 2) out.dns.push(s);
    else if (t === 6) out.uri.push(s);
    else if (t === 7 && (gn.content.length === 4 || gn.content.length === 16))
      out.ip.push(ipString(Uint8Array.from(gn.content)));
  }
}

/** Go's url.URL JSON. */
function urlValue(s: string): Value {
  let u: URL | undefined;
  try {
    u = new URL(s);
  } catch {
    u = undefined;
  }
  return o({
    Scheme: u ? u.protocol.replace(/:$/, '') : '',
    Opaque: '',
    User: null,
    Host: u ? u.host : '',
    Path: u ? decodeURIComponent(u.pathname) : s,
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: u ? u.search.replace(/^\?/, '') : '',
    Fragment: u ? decodeURIComponent(u.hash.replace(/^#/, '')) : '',
    RawFragment: '',
  });
}

const listOrNull = (xs: readonly Value[]): Value => (xs.length === 0 ? null : [...xs]);

/** Extension-derived fields shared by certificates and CSRs. */
function extensionFields(exts: readonly Node[], rec: Record<string, Value>): void {
  const san: SanValues = { dns: [], email: [], ip: [], uri: [] };
  const extList: Value[] = [];
  const eku: Value[] = [];
  const unknownEku: Value[] = [];
  for (const ext of exts) {
    const id = oid(ext.children[0] as Node);
    const critical = ext.children.length === 3 && (ext.children[1] as Node).content[0] !== 0;
    const valueNode = ext.children[ext.children.length - 1] as Node;
    extList.push(o({ Id: oidValue(id), Critical: critical, Value: b64(valueNode.content) }));
    const inner = parseNested(valueNode.content);
    switch (oidKey(id)) {
      case '2.5.29.17':
        subjectAltNames(inner, san);
        break;
      case '2.5.29.15': {
        const bits = inner.content;
        let usage = 0;
        for (let i = 0; i < (bits.length - 1) * 8 && i < 9; i++) {
          if (((bits[1 + (i >> 3)] as number) >> (7 - (i & 7))) & 1) usage |= 1 << i;
        }
        rec.KeyUsage = usage;
        break;
      }
      case '2.5.29.37':
        for (const k of inner.children) {
          const ku = EXT_KEY_USAGES[oidKey(oid(k))];
          if (ku === undefined) unknownEku.push(oidValue(oid(k)));
          else eku.push(ku);
        }
        break;
      case '2.5.29.19': {
        rec.BasicConstraintsValid = true;
        const [first, second] = inner.children;
        rec.IsCA = first?.tag === TAG.BOOLEAN ? first.content[0] !== 0 : false;
        const lenNode = first?.tag === TAG.INTEGER ? first : second;
        rec.MaxPathLen = lenNode?.tag === TAG.INTEGER ? Number(bigInt(lenNode)) : -1;
        rec.MaxPathLenZero = rec.MaxPathLen === 0;
        break;
      }
      case '2.5.29.14':
        rec.SubjectKeyId = b64(inner.content);
        break;
      case '2.5.29.35': {
        const keyId = inner.children.find((c) => contextTag(c) === 0);
        if (keyId) rec.AuthorityKeyId = b64(keyId.content);
        break;
      }
      case '1.3.6.1.5.5.7.1.1': {
        const ocsp: Value[] = [];
        const issuers: Value[] = [];
        for (const ad of inner.children) {
          const method = oidKey(oid(ad.children[0] as Node));
          const loc = ad.children[1] as Node;
          if (contextTag(loc) !== 6) continue;
          if (method === '1.3.6.1.5.5.7.48.1') ocsp.push(loc.content.toString('latin1'));
          if (method === '1.3.6.1.5.5.7.48.2') issuers.push(loc.content.toString('latin1'));
        }
        rec.OCSPServer = listOrNull(ocsp);
        rec.IssuingCertificateURL = listOrNull(issuers);
        break;
      }
      case '2.5.29.31': {
        const points: Value[] = [];
        for (const dp of inner.children) {
          for (const name of dp.children[0]?.children[0]?.children ?? []) {
            if (contextTag(name) === 6) points.push(name.content.toString('latin1'));
          }
        }
        rec.CRLDistributionPoints = listOrNull(points);
        break;
      }
      case '2.5.29.32':
        rec.PolicyIdentifiers = listOrNull(inner.children.map((p) => oidValue(oid(p.children[0] as Node))));
        break;
      default:
        break;
    }
  }
  rec.Extensions = listOrNull(extList);
  rec.ExtKeyUsage = listOrNull(eku);
  rec.UnknownExtKeyUsage = listOrNull(unknownEku);
  rec.DNSNames = listOrNull(san.dns);
  rec.EmailAddresses = listOrNull(san.email);
  rec.IPAddresses = listOrNull(san.ip);
  rec.URIs = listOrNull(san.uri.map(urlValue));
  rec.URIStrings = listOrNull(san.uri);
}

/** One certificate's DER as OPA's JSON of x509.Certificate (plus URIStrings). */
export function certificateValue(der: Buffer): ObjectValue {
  let cert: Node;
  try {
    cert = parseDer(der);
  } catch (err) {
    throw new BuiltinError('x509: malformed certificate', { cause: err });
  }
  const [tbs, sigAlg, sig] = cert.children;
  if (tbs === undefined || sigAlg === undefined || sig === undefined)
    throw new BuiltinError('x509: malformed certificate');
  let i = 0;
  let version = 1;
  if (contextTag(tbs.children[0] as Node) === 0) {
    version = Number(bigInt((tbs.children[0] as Node).children[0] as Node)) + 1;
    i++;
  }
  const serial = tbs.children[i++] as Node;
  i++; // inner signature algorithm
  const issuer = tbs.children[i++] as Node;
  const validity = tbs.children[i++] as Node;
  const subject = tbs.children[i++] as Node;
  const spki = tbs.children[i++] as Node;
  const extsNode = tbs.children.slice(i).find((c) => contextTag(c) === 3);
  const rec: Record<string, Value> = {
    Raw: b64(cert.raw),
    RawTBSCertificate: b64(tbs.raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    RawIssuer: b64(issuer.raw),
    Signature: b64(sig.content.subarray(1)),
    SignatureAlgorithm: SIGNATURE_ALGORITHMS[oidKey(oid(sigAlg.children[0] as Node))] ?? 0,
    PublicKeyAlgorithm:
      PUBLIC_KEY_ALGORITHMS[oidKey(oid((spki.children[0] as Node).children[0] as Node))] ?? 0,
    PublicKey: spkiKey(spki),
    Version: version,
    SerialNumber: numberFromBigInt(bigInt(serial)),
    Issuer: nameValue(issuer),
    Subject: nameValue(subject),
    NotBefore: time(validity.children[0] as Node),
    NotAfter: time(validity.children[1] as Node),
    KeyUsage: 0,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
  };
  extensionFields(extsNode?.children[0]?.children ?? [], rec);
  return o(rec);
}

/** A CSR's DER as OPA's JSON of x509.CertificateRequest. */
export function csrValue(der: Buffer): ObjectValue {
  const csr = parseDer(der);
  const [info, sigAlg, sig] = csr.children;
  if (info === undefined || sigAlg === undefined || sig === undefined)
    throw new BuiltinError('asn1: structure error: bad CSR');
  const [version, subject, spki, attrs] = info.children;
  if (version === undefined || subject === undefined || spki === undefined)
    throw new BuiltinError('asn1: structure error: bad CSR');
  const extensions: Node[] = [];
  for (const attr of attrs?.children ?? []) {
    if (oidKey(oid(attr.children[0] as Node)) === '1.2.840.113549.1.9.14') {
      extensions.push(...((attr.children[1] as Node).children[0]?.children ?? []));
    }
  }
  const rec: Record<string, Value> = {
    Raw: b64(csr.raw),
    RawTBSCertificateRequest: b64(info.raw),
    RawSubjectPublicKeyInfo: b64(spki.raw),
    RawSubject: b64(subject.raw),
    Version: Number(bigInt(version)),
    Signature: b64(sig.content.subarray(1)),
    SignatureAlgorithm: SIGNATURE_ALGORITHMS[oidKey(oid(sigAlg.children[0] as Node))] ?? 0,
    PublicKeyAlgorithm:
      PUBLIC_KEY_ALGORITHMS[oidKey(oid((spki.children[0] as Node).children[0] as Node))] ?? 0,
    PublicKey: spkiKey(spki),
    Subject: nameValue(subject),
    Attributes: null,
    ExtraExtensions: null,
  };
  const fields: Record<string, Value> = {};
  extensionFields(extensions, fields);
  for (const k of ['Extensions', 'DNSNames', 'EmailAddresses', 'IPAddresses', 'URIs'])
    rec[k] = fields[k] ?? null;
  return o(rec);
}
