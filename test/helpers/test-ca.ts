/**
 * @module A throwaway certificate authority for tests (modelled on SPIRE's test/testca): roots, child CAs and
 * X.509-SVIDs minted in memory at test time — including deliberately bad ones (expired, two URI SANs,
 * foreign trust domain, cA leaf, missing or wrong key usage) to exercise validators.
 */
import type { KeyObject } from 'node:crypto';
import { TrustBundle } from '../../citadel/bundle.js';
import type { Certificate } from '../../citadel/certificate.js';
import type { Clock } from '../../citadel/clock.js';
import { encodeName, type KeyUsage, type TbsSpec } from '../../citadel/internal/forge.js';
import {
  generatePrivateKey,
  type KeyType,
  keyIdentifier,
  privateKeyToPem,
  signatureAlgorithmFor,
  spkiOf,
} from '../../citadel/keys.js';
import { signCertificate } from '../../citadel/signer.js';
import { randomSerial } from '../../citadel/template.js';
import type { Svid } from '../../citadel/tls-options.js';

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

export interface TestCaOptions {
  trustDomain?: string;
  keyType?: KeyType;
  clock?: Clock;
  /** Validity window; default [now - 1h, now + 1y]. */
  notBefore?: number;
  notAfter?: number;
  pathLen?: number;
  /** Subject CN, to tell CAs apart. */
  name?: string;
}

/** Knobs for an SVID; anything not set gives a spec-conformant leaf. */
export interface SvidOptions {
  ttlMs?: number;
  notBefore?: number;
  notAfter?: number;
  /** Override the URI SANs entirely (e.g. two of them, or none). */
  uris?: string[];
  dnsNames?: string[];
  isCa?: boolean;
  keyUsage?: KeyUsage[];
  keyUsageCritical?: boolean;
  extKeyUsage?: ('serverAuth' | 'clientAuth')[];
  keyType?: KeyType;
  /** Sign with this key instead of the CA's (a forged/mismatched signature). */
  signWith?: KeyObject;
}

/** A minted SVID: key, chain (leaf then intermediates, not the root) and PEM forms. */
export interface TestSvid extends Svid {
  chain: Certificate[];
  keyPem: string;
  certPem: string;
}

export class TestCA {
  readonly trustDomain: string;
  readonly key: KeyObject;
  readonly cert: Certificate;
  readonly parent: TestCA | undefined;
  readonly clock: Clock;

  private constructor(
    trustDomain: string,
    key: KeyObject,
    cert: Certificate,
    parent: TestCA | undefined,
    clock: Clock,
  ) {
    this.trustDomain = trustDomain;
    this.key = key;
    this.cert = cert;
    this.parent = parent;
    this.clock = clock;
  }

  /** A new self-signed root. */
  static async create(options: TestCaOptions = {}): Promise<TestCA> {
    const clock = options.clock ?? { now: () => Date.now() };
    const td = options.trustDomain ?? 'example.org';
    const key = await generatePrivateKey(options.keyType ?? 'ec-p256');
    const now = clock.now();
    const name = encodeName([
      { type: 'O', value: 'TestCA' },
      { type: 'CN', value: options.name ?? `root ${td} ${randomSerial().toString('hex').slice(0, 8)}` },
    ]);
    const spki = spkiOf(key);
    const cert = signCertificate(
      caSpec(
        name,
        name,
        spki,
        signatureAlgorithmFor(key),
        td,
        options.notBefore ?? now - HOUR,
        options.notAfter ?? now + YEAR,
        keyIdentifier(spki),
        options.pathLen,
      ),
      key,
    );
    return new TestCA(td, key, cert, undefined, clock);
  }

  /** An intermediate signed by this CA. */
  async childCA(options: TestCaOptions = {}): Promise<TestCA> {
    const key = await generatePrivateKey(options.keyType ?? 'ec-p256');
    const now = this.clock.now();
    const spki = spkiOf(key);
    const name = encodeName([
      { type: 'O', value: 'TestCA' },
      { type: 'CN', value: options.name ?? `intermediate ${randomSerial().toString('hex').slice(0, 8)}` },
    ]);
    const spec = caSpec(
      this.cert.decoded.subjectName,
      name,
      spki,
      signatureAlgorithmFor(this.key),
      this.trustDomain,
      options.notBefore ?? now - HOUR,
      options.notAfter ?? now + YEAR / 2,
      this.cert.subjectKeyId ?? keyIdentifier(spki),
      options.pathLen,
    );
    spec.subjectKeyId = keyIdentifier(spki);
    return new TestCA(this.trustDomain, key, signCertificate(spec, this.key), this, this.clock);
  }

  /** This CA and its parents up to (excluding) the root: the intermediates a leaf should carry. */
  intermediates(): Certificate[] {
    const out: Certificate[] = [];
    for (let ca: TestCA | undefined = this; ca?.parent !== undefined; ca = ca.parent) out.push(ca.cert);
    return out;
  }

  root(): TestCA {
    let ca: TestCA = this;
    while (ca.parent !== undefined) ca = ca.parent;
    return ca;
  }

  /** A trust bundle holding this CA's root. */
  bundle(sequence = 1): TrustBundle {
    return new TrustBundle({ trustDomain: this.trustDomain, roots: [this.root().cert], sequence });
  }

  /** Mint an X.509-SVID for `id` (a SPIFFE ID string; not validated, so bad IDs can be minted too). */
  async createX509SVID(id: string, options: SvidOptions = {}): Promise<TestSvid> {
    const key = await generatePrivateKey(options.keyType ?? 'ec-p256');
    const now = this.clock.now();
    const spki = spkiOf(key);
    const spec: TbsSpec = {
      serial: randomSerial(),
      signatureAlgorithm: signatureAlgorithmFor(options.signWith ?? this.key),
      issuerName: this.cert.decoded.subjectName,
      subjectName: encodeName([{ type: 'O', value: 'TestSVID' }]),
      notBefore: new Date(options.notBefore ?? now - 10_000),
      notAfter: new Date(options.notAfter ?? now + (options.ttlMs ?? HOUR)),
      spki,
      isCa: options.isCa ?? false,
      keyUsage: options.keyUsage ?? ['digitalSignature'],
      keyUsageCritical: options.keyUsageCritical ?? true,
      extKeyUsage: options.extKeyUsage ?? ['serverAuth', 'clientAuth'],
      uris: options.uris ?? [id],
      dnsNames: options.dnsNames,
      subjectKeyId: keyIdentifier(spki),
      authorityKeyId: this.cert.subjectKeyId,
    };
    const leaf = signCertificate(spec, options.signWith ?? this.key);
    const chain = [leaf, ...this.intermediates()];
    return {
      key,
      chain,
      keyPem: privateKeyToPem(key),
      certPem: chain.map((c) => c.toPem()).join(''),
    };
  }
}

function caSpec(
  issuerName: Buffer,
  subjectName: Buffer,
  spki: Buffer,
  alg: TbsSpec['signatureAlgorithm'],
  td: string,
  notBefore: number,
  notAfter: number,
  authorityKeyId: Buffer,
  pathLen: number | undefined,
): TbsSpec {
  return {
    serial: randomSerial(),
    signatureAlgorithm: alg,
    issuerName,
    subjectName,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    spki,
    isCa: true,
    pathLen,
    keyUsage: ['keyCertSign', 'cRLSign'],
    uris: [`spiffe://${td}`],
    subjectKeyId: keyIdentifier(spki),
    authorityKeyId,
  };
}
