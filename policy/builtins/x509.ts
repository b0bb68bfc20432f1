/**
 * @module `crypto.x509.*` and `crypto.parse_private_keys`: certificates, chains, CSRs, key pairs and private
 * keys from PEM or base64 DER, as OPA's v1/topdown/crypto.go. Chain verification uses node:crypto
 * (signatures, validity at the evaluation's clock, CA constraints, extended key usage).
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { ObjectValue, SetValue, type Value } from '../value/index.js';
import { parseDer } from './asn1.js';
import { BuiltinError, typeError } from './builtin-error.js';
import { base64Decode, StdEncoding } from './go-base64.js';
import type { ImplTable } from './impl-types.js';
import { object, str } from './operands.js';
import { decodePemBlocks } from './pem.js';
import { certificateValue, csrValue, keyValue } from './x509-model.js';

/** Split concatenated DER certificates. */
function splitDer(der: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let rest = der;
  while (rest.length > 0) {
    let node: ReturnType<typeof parseDer>;
    try {
      const len = derLength(rest);
      node = parseDer(rest.subarray(0, len));
    } catch (err) {
      throw new BuiltinError('x509: malformed certificate', { cause: err });
    }
    out.push(node.raw);
    rest = rest.subarray(node.raw.length);
  }
  return out;
}

function derLength(buf: Buffer): number {
  if (buf.length < 2) throw new BuiltinError('x509: malformed certificate');
  const first = buf[1] as number;
  if ((first & 0x80) === 0) return 2 + first;
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (buf[2 + i] as number);
  return Math.min(buf.length, 2 + n + len);
}

/** OPA's getX509CertsFromString: PEM, or base64 of PEM or DER. */
function certificatesDer(input: string): Buffer[] {
  let text = input;
  if (!text.startsWith('-----BEGIN')) {
    const decoded = Buffer.from(base64Decode(input, StdEncoding));
    if (!decoded.toString('latin1').startsWith('-----BEGIN')) return splitDer(decoded);
    text = decoded.toString('utf8');
  }
  const { blocks } = decodePemBlocks(text);
  const ders: Buffer[] = [];
  for (const b of blocks) {
    if (b.type !== 'CERTIFICATE')
      throw new BuiltinError(`PEM block type is '${b.type}', expected CERTIFICATE`);
    ders.push(...splitDer(b.der));
  }
  return ders;
}

interface VerifyOptions {
  dnsName?: string;
  nowMs: number;
  keyUsages: string[];
}

const EKU_OIDS: Record<string, string> = {
  KeyUsageAny: '2.5.29.37.0',
  KeyUsageServerAuth: '1.3.6.1.5.5.7.3.1',
  KeyUsageClientAuth: '1.3.6.1.5.5.7.3.2',
  KeyUsageCodeSigning: '1.3.6.1.5.5.7.3.3',
  KeyUsageEmailProtection: '1.3.6.1.5.5.7.3.4',
  KeyUsageIPSECEndSystem: '1.3.6.1.5.5.7.3.5',
  KeyUsageIPSECTunnel: '1.3.6.1.5.5.7.3.6',
  KeyUsageIPSECUser: '1.3.6.1.5.5.7.3.7',
  KeyUsageTimeStamping: '1.3.6.1.5.5.7.3.8',
  KeyUsageOCSPSigning: '1.3.6.1.5.5.7.3.9',
  KeyUsageMicrosoftServerGatedCrypto: '1.3.6.1.4.1.311.10.3.3',
  KeyUsageNetscapeServerGatedCrypto: '2.16.840.1.113730.4.1',
  KeyUsageMicrosoftCommercialCodeSigning: '1.3.6.1.4.1.311.2.1.22',
  KeyUsageMicrosoftKernelCodeSigning: '1.3.6.1.4.1.311.61.1.1',
};

function validAt(c: X509Certificate, nowMs: number): boolean {
  return Date.parse(c.validFrom) <= nowMs && nowMs <= Date.parse(c.validTo);
}

/** Extended key usage allows one of `wanted` (a certificate without the extension allows any). */
function ekuAllows(c: X509Certificate, wanted: readonly string[]): boolean {
  const eku = c.keyUsage as string[] | undefined;
  if (eku === undefined || eku.length === 0) return true;
  if (eku.includes(EKU_OIDS.KeyUsageAny as string)) return true;
  return wanted.some((w) => w === EKU_OIDS.KeyUsageAny || eku.includes(w));
}

/**
 * Go's leaf.Verify with certs[0] as the root pool and the middle as intermediates: build a chain from the
 * leaf to the root, checking signatures, validity, CA flags, extended key usage and the DNS name.
 */
function verifyChain(ders: Buffer[], opts: VerifyOptions): Buffer[] | undefined {
  if (ders.length < 2)
    throw typeError('operand 1 must supply at least two certificates to be able to verify');
  const certs = ders.map((d) => new X509Certificate(d));
  const root = certs[0] as X509Certificate;
  const leaf = certs[certs.length - 1] as X509Certificate;
  const intermediates = certs.slice(1, -1);
  const wanted = opts.keyUsages.length > 0 ? opts.keyUsages : [EKU_OIDS.KeyUsageServerAuth as string];
  if (opts.dnsName !== undefined && opts.dnsName !== '' && leaf.checkHost(opts.dnsName) === undefined)
    return undefined;
  const search = (cert: X509Certificate, chain: X509Certificate[]): X509Certificate[] | undefined => {
    if (chain.length > 10 || !validAt(cert, opts.nowMs) || !ekuAllows(cert, wanted)) return undefined;
    if (cert !== leaf && !cert.ca) return undefined;
    if (cert.checkIssued(root) && cert.verify(root.publicKey) && validAt(root, opts.nowMs) && root.ca) {
      return cert.raw.equals(root.raw) ? [...chain, cert] : [...chain, cert, root];
    }
    for (const parent of intermediates) {
      if (chain.includes(parent) || parent === cert) continue;
      if (cert.checkIssued(parent) && cert.verify(parent.publicKey)) {
        const found = search(parent, [...chain, cert]);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return search(leaf, [])?.map((c) => c.raw);
}

function verifyOptions(o: ObjectValue, nowNs: bigint): VerifyOptions {
  const opts: VerifyOptions = { nowMs: Number(nowNs / 1_000_000n), keyUsages: [] };
  for (const [k, v] of o) {
    switch (k) {
      case 'DNSName':
        if (typeof v !== 'string') throw new BuiltinError("'DNSName' should be a string");
        opts.dnsName = v.replaceAll('"', '');
        break;
      case 'CurrentTime':
        if (typeof v !== 'number' || !Number.isInteger(v))
          throw new BuiltinError("'CurrentTime' should be a valid int64 number");
        opts.nowMs = v / 1e6;
        break;
      case 'MaxConstraintComparisons':
        if (typeof v !== 'number') throw new BuiltinError("'MaxConstraintComparisons' should be a number");
        break;
      case 'KeyUsages': {
        const items = Array.isArray(v) ? v : v instanceof SetValue ? v.items() : undefined;
        if (items === undefined) throw new BuiltinError("'KeyUsages' should be an Array or Set");
        const invalid = items.filter((x) => typeof x !== 'string' || EKU_OIDS[x] === undefined).map(String);
        if (invalid.length > 0)
          throw new BuiltinError(`invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        opts.keyUsages = (items as string[]).map((x) => EKU_OIDS[x] as string);
        break;
      }
      default:
        throw new BuiltinError('invalid key option');
    }
  }
  return opts;
}

function parseAndVerify(input: string, opts: VerifyOptions): Value {
  let ders: Buffer[];
  try {
    ders = certificatesDer(input);
  } catch {
    return [false, []];
  }
  let chain: Buffer[] | undefined;
  try {
    chain = verifyChain(ders, opts);
  } catch (err) {
    if (err instanceof BuiltinError && err.regoCode === 'eval_type_error') return [false, []];
    return [false, []];
  }
  return chain === undefined ? [false, []] : [true, chain.map(certificateValue)];
}

// --- private keys ---

/** Private keys of every PEM block in the input (RSA, PKCS#8, EC); other blocks are skipped. */
function privateKeys(input: string): KeyObject[] {
  let text = input;
  try {
    text = Buffer.from(base64Decode(input, StdEncoding)).toString('utf8');
  } catch {
    // not base64: PEM text as given
  }
  const keys: KeyObject[] = [];
  for (const block of decodePemBlocks(text).blocks) {
    const format =
      block.type === 'RSA PRIVATE KEY'
        ? 'pkcs1'
        : block.type === 'PRIVATE KEY'
          ? 'pkcs8'
          : block.type === 'EC PRIVATE KEY'
            ? 'sec1'
            : undefined;
    if (format === undefined) continue;
    try {
      keys.push(createPrivateKey({ key: block.der, format: 'der', type: format }));
    } catch (err) {
      throw new BuiltinError(`x509: failed to parse private key: ${(err as Error).message}`, { cause: err });
    }
  }
  return keys;
}

function parseRsaPrivateKey(args: readonly Value[]): Value {
  let pem = str(args, 0);
  if (pem === '') throw new BuiltinError('input PEM data was empty');
  if (!pem.startsWith('-----BEGIN')) pem = Buffer.from(base64Decode(pem, StdEncoding)).toString('utf8');
  const keys = privateKeys(pem);
  if (keys.length === 0) return null;
  const jwk = (keys[0] as KeyObject).export({ format: 'jwk' }) as Record<string, unknown>;
  return ObjectValue.from(Object.entries(jwk).map(([k, v]) => [k, String(v)] as [Value, Value]));
}

function parseKeyPair(args: readonly Value[]): Value {
  const certText = str(args, 0);
  const keyText = str(args, 1);
  const ders = certificatesDer(certText);
  const keyPem = keyText.startsWith('-----BEGIN')
    ? keyText
    : Buffer.from(base64Decode(keyText, StdEncoding)).toString('utf8');
  const key = keyPem.startsWith('-----BEGIN')
    ? privateKeys(keyPem)[0]
    : createPrivateKey({
        key: Buffer.from(base64Decode(keyText, StdEncoding)),
        format: 'der',
        type: 'pkcs8',
      });
  if (key === undefined || ders.length === 0)
    throw new BuiltinError('tls: failed to find any PEM data in input');
  const leaf = new X509Certificate(ders[0] as Buffer);
  if (!leaf.checkPrivateKey(key)) throw new BuiltinError('tls: private key does not match public key');
  return ObjectValue.fromRecord({
    Certificate: ders.map((d) => d.toString('base64')),
    PrivateKey: keyValue(key),
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: certificateValue(ders[0] as Buffer),
  });
}

function parseCsr(args: readonly Value[]): Value {
  const input = str(args, 0);
  let bytes: Buffer = input.startsWith('-----BEGIN CERTIFICATE REQUEST-----')
    ? Buffer.from(input, 'utf8')
    : Buffer.from(base64Decode(input, StdEncoding));
  const { blocks } = decodePemBlocks(bytes.toString('latin1'));
  if (blocks.length > 0) {
    const block = blocks[0] as { type: string; der: Buffer };
    if (block.type !== 'CERTIFICATE REQUEST')
      throw new BuiltinError('invalid PEM-encoded certificate signing request');
    bytes = block.der;
  }
  return csrValue(bytes);
}

export const x509Builtins: ImplTable = {
  'crypto.x509.parse_certificates': (args) => certificatesDer(str(args, 0)).map(certificateValue),
  'crypto.x509.parse_and_verify_certificates': {
    impl: (args, ctx) =>
      parseAndVerify(str(args, 0), { nowMs: Number(ctx.nowNs / 1_000_000n), keyUsages: [] }),
    nondeterministic: true,
  },
  'crypto.x509.parse_and_verify_certificates_with_options': {
    impl: (args, ctx) => {
      const input = str(args, 0);
      return parseAndVerify(input, verifyOptions(object(args, 1), ctx.nowNs));
    },
    nondeterministic: true,
  },
  'crypto.x509.parse_certificate_request': parseCsr,
  'crypto.x509.parse_keypair': parseKeyPair,
  'crypto.x509.parse_rsa_private_key': parseRsaPrivateKey,
  'crypto.parse_private_keys': (args) => {
    const input = str(args, 0);
    if (input === '') return null;
    return privateKeys(input).map(keyValue);
  },
};
