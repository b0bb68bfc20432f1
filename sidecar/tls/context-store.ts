/**
 * @module Holds the sidecar's current SVID and trust bundle and publishes them as TLS contexts. TLS layer:
 * new material is validated first, then swapped in; listeners (`server.setSecureContext`) are told, and
 * established connections keep the context they were made with, so rotation never drops traffic.
 */
import { createPrivateKey, constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
// citadel's modules, not its index: the index also loads the CA server and gRPC, which a sidecar never runs.
import { TrustBundle } from '../../citadel/bundle.js';
import { SidecarError } from '../errors.js';

/** PEM material as found in an SVID directory: `key.pem`, `cert.pem` (leaf first), `bundle.pem` (roots). */
export interface SvidMaterial {
  readonly keyPem: string;
  readonly certPem: string;
  readonly bundlePem: string;
}

/** Facts about the current SVID for logs, metrics and admin (never the key). */
export interface SvidInfo {
  readonly spiffeId: string;
  readonly serial: string;
  readonly fingerprint256: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly bundleRoots: number;
  /** Fingerprints of the trusted roots, to say which bundle is in force. */
  readonly bundleFingerprints: readonly string[];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Split a PEM file into its certificates. */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

/** Validate material and describe it; throws ERR_SIDECAR_IDENTITY naming what is wrong. */
export function inspectSvid(material: SvidMaterial, now: Date = new Date()): SvidInfo {
  const certs = splitPemCertificates(material.certPem);
  const roots = splitPemCertificates(material.bundlePem);
  if (certs.length === 0) throw new SidecarError('ERR_SIDECAR_IDENTITY', 'cert.pem holds no certificate');
  if (roots.length === 0) throw new SidecarError('ERR_SIDECAR_IDENTITY', 'bundle.pem holds no certificate');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certs[0] as string);
    for (const root of roots) new X509Certificate(root);
  } catch (err) {
    throw new SidecarError('ERR_SIDECAR_IDENTITY', `unreadable certificate: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(material.keyPem);
  } catch (err) {
    throw new SidecarError('ERR_SIDECAR_IDENTITY', 'key.pem is not a readable private key', { cause: err });
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new SidecarError('ERR_SIDECAR_IDENTITY', 'key.pem does not match the certificate in cert.pem');
  }
  const uris = (leaf.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
  if (uris.length !== 1) {
    throw new SidecarError(
      'ERR_SIDECAR_IDENTITY',
      `SVID must carry exactly one URI SAN, found ${uris.length}`,
    );
  }
  const notAfter = new Date(leaf.validTo);
  if (notAfter.getTime() <= now.getTime()) {
    throw new SidecarError('ERR_SIDECAR_IDENTITY', `SVID expired at ${notAfter.toISOString()}`);
  }
  return {
    spiffeId: uris[0] as string,
    serial: leaf.serialNumber.toLowerCase(),
    fingerprint256: leaf.fingerprint256,
    notBefore: new Date(leaf.validFrom),
    notAfter,
    bundleRoots: roots.length,
    bundleFingerprints: roots.map((r) => new X509Certificate(r).fingerprint256),
  };
}

/**
 * The live TLS material. `update` is all-or-nothing: a bad SVID or bundle leaves the previous one in force.
 */
export class TlsContextStore {
  #material: SvidMaterial;
  #info: SvidInfo;
  #client: SecureContext;
  #bundle: TrustBundle;
  #revision = 0;
  readonly #trustDomain: string;
  readonly #listeners = new Set<() => void>();

  constructor(material: SvidMaterial, trustDomain: string, now: Date = new Date()) {
    this.#trustDomain = trustDomain;
    this.#info = inspectSvid(material, now);
    this.#bundle = parseBundle(material.bundlePem, trustDomain);
    this.#material = material;
    this.#client = createSecureContext(this.#clientOptions(material));
  }

  /** Swap in new material after validating it. Throws (and keeps the old material) if it is unusable. */
  update(material: SvidMaterial, now: Date = new Date()): SvidInfo {
    const info = inspectSvid(material, now);
    const bundle = parseBundle(material.bundlePem, this.#trustDomain);
    const client = createSecureContext(this.#clientOptions(material));
    this.#bundle = bundle;
    this.#material = material;
    this.#info = info;
    this.#client = client;
    this.#revision++;
    for (const fn of this.#listeners) fn();
    return info;
  }

  get info(): SvidInfo {
    return this.#info;
  }

  /** Increments on every successful swap. */
  get revision(): number {
    return this.#revision;
  }

  /** The trust bundle in force, for peer validation (citadel's validator). */
  get bundle(): TrustBundle {
    return this.#bundle;
  }

  /** The current material (PEM), e.g. to replace only the bundle. */
  get material(): SvidMaterial {
    return this.#material;
  }

  /** Context for outbound connections: our SVID as client certificate, the bundle as trust anchors. */
  get clientContext(): SecureContext {
    return this.#client;
  }

  /** Options for an inbound TLS server; pass to `tls.createServer` and `server.setSecureContext`. */
  serverOptions(minVersion: 'TLSv1.3' | 'TLSv1.2'): SecureContextOptions {
    return {
      key: this.#material.keyPem,
      cert: this.#material.certPem,
      ca: this.#material.bundlePem,
      minVersion,
      maxVersion: 'TLSv1.3',
      // No session tickets: a resumed TLS session carries only the peer's leaf, not the chain citadel's
      // validator needs, and every connection is then checked against the bundle in force *now* (a
      // resumed session would outlive a bundle rotation that removed its issuer).
      secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    };
  }

  /** Call `fn` after every swap. Returns an unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #clientOptions(material: SvidMaterial): SecureContextOptions {
    return {
      key: material.keyPem,
      cert: material.certPem,
      ca: material.bundlePem,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
    };
  }
}

function parseBundle(pem: string, trustDomain: string): TrustBundle {
  try {
    return TrustBundle.fromPem(pem, trustDomain, 'bundle.pem');
  } catch (err) {
    throw new SidecarError('ERR_SIDECAR_IDENTITY', `trust bundle unusable: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
