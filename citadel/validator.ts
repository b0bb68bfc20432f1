/**
 * @module The X.509-SVID validator every component uses to accept a peer: the X509-SVID spec's rules —
 * RFC 5280 path validation to the trust bundle, then the leaf profile (one URI SAN, cA=false, critical
 * keyUsage with digitalSignature and no keyCertSign/cRLSign). Identity layer; also re-checks what the CA signs.
 */
import { Certificate } from './certificate.js';
import type { Clock } from './clock.js';
import { CitadelError } from './errors.js';
import { signatureAlgorithmFromOid, verifyBytes } from './keys.js';
import { parseSpiffeId, type SpiffeId } from './spiffe-id.js';

/** What the validator needs from a trust bundle: its trust domain and its root certificates. */
export interface BundleView {
  readonly trustDomain: string;
  readonly roots: readonly Certificate[];
}

export interface ValidateOptions {
  /** Time to validate at (epoch ms); default `clock.now()` or the system time. */
  now?: number;
  clock?: Clock;
  /** The TLS role the SVID is presented for; when the leaf has an EKU it must allow this role. */
  usage?: 'client' | 'server';
}

/** Longest chain accepted (leaf + intermediates), so a hostile peer cannot make us loop. */
const MAX_CHAIN = 8;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

// Verified (child, issuer) CA pairs: a peer's intermediate is checked once, not on every handshake.
const verifiedCaPairs = new Map<string, true>();
const MAX_CACHED_PAIRS = 1024;

function svidError(
  code:
    | 'ERR_CITADEL_SVID_EXPIRED'
    | 'ERR_CITADEL_SVID_NOT_YET_VALID'
    | 'ERR_CITADEL_SVID_UNTRUSTED'
    | 'ERR_CITADEL_SVID_URI_SAN'
    | 'ERR_CITADEL_SVID_FOREIGN_TRUST_DOMAIN'
    | 'ERR_CITADEL_SVID_INVALID',
  message: string,
  cause?: unknown,
): CitadelError {
  return new CitadelError(code, `X509-SVID rejected: ${message}`, { cause });
}

function toCertificates(chain: readonly (Certificate | Buffer)[]): Certificate[] {
  return chain.map((c, i) => {
    if (c instanceof Certificate) return c;
    try {
      return Certificate.fromDer(c);
    } catch (err) {
      throw svidError('ERR_CITADEL_SVID_INVALID', `certificate ${i} of the chain is malformed`, err);
    }
  });
}

/**
 * Validate an X.509-SVID chain (leaf first, then any intermediates) against a trust bundle and return the
 * leaf's SPIFFE ID.
 *
 * @throws CitadelError with one of `ERR_CITADEL_SVID_URI_SAN` (zero or several URI SANs, or not a workload
 *   SPIFFE ID), `ERR_CITADEL_SVID_FOREIGN_TRUST_DOMAIN`, `ERR_CITADEL_SVID_EXPIRED`,
 *   `ERR_CITADEL_SVID_NOT_YET_VALID`, `ERR_CITADEL_SVID_UNTRUSTED` (unknown CA, bad signature, broken
 *   chain), `ERR_CITADEL_SVID_INVALID` (profile violations: cA, key usage, EKU, critical extensions).
 * @example
 * const id = validateX509Svid(peerDerChain, bundle, { usage: 'client' });
 */
export function validateX509Svid(
  chain: readonly (Certificate | Buffer)[],
  bundle: BundleView,
  options: ValidateOptions = {},
): SpiffeId {
  if (chain.length === 0) throw svidError('ERR_CITADEL_SVID_UNTRUSTED', 'no certificate presented');
  if (chain.length > MAX_CHAIN)
    throw svidError('ERR_CITADEL_SVID_UNTRUSTED', `chain longer than ${MAX_CHAIN}`);
  const certs = toCertificates(chain);
  const leaf = certs[0] as Certificate;
  const now = options.now ?? options.clock?.now() ?? Date.now();

  const id = leafSpiffeId(leaf);
  if (!id.memberOf(bundle.trustDomain)) {
    throw svidError(
      'ERR_CITADEL_SVID_FOREIGN_TRUST_DOMAIN',
      `${id} is not in trust domain "${bundle.trustDomain}"`,
    );
  }
  checkValidity(leaf, 'leaf', now);
  checkLeafProfile(leaf, options.usage);
  verifyPath(leaf, certs.slice(1), bundle, now, false);
  return id;
}

/**
 * The CA's re-check of an SVID it has just signed: every rule of `validateX509Svid` except re-verifying the
 * leaf signature, which the CA produced itself with a key checked against its certificate at startup (and
 * OpenSSL already guards RSA-CRT signing against faults). Internal to citadel (not exported from index).
 */
export function validateIssuedSvid(
  leaf: Certificate,
  issuer: Certificate,
  bundle: BundleView,
  now: number,
): SpiffeId {
  const id = leafSpiffeId(leaf);
  if (!id.memberOf(bundle.trustDomain)) {
    throw svidError(
      'ERR_CITADEL_SVID_FOREIGN_TRUST_DOMAIN',
      `${id} is not in trust domain "${bundle.trustDomain}"`,
    );
  }
  checkValidity(leaf, 'leaf', now);
  checkLeafProfile(leaf, 'client');
  checkLeafProfile(leaf, 'server');
  if (leaf.notAfter > issuer.notAfter)
    throw svidError('ERR_CITADEL_SVID_INVALID', 'leaf outlives its issuer');
  verifyPath(leaf, [issuer], bundle, now, true);
  return id;
}

/** The SPIFFE ID in a leaf's single URI SAN (no chain checks). @throws `ERR_CITADEL_SVID_URI_SAN` */
export function leafSpiffeId(leaf: Certificate): SpiffeId {
  const uris = leaf.san.uris;
  if (uris.length !== 1) {
    throw svidError(
      'ERR_CITADEL_SVID_URI_SAN',
      `leaf must have exactly one URI SAN, found ${uris.length}${uris.length > 1 ? ` (${uris.join(', ')})` : ''}`,
    );
  }
  let id: SpiffeId;
  try {
    id = parseSpiffeId(uris[0] as string);
  } catch (err) {
    throw svidError(
      'ERR_CITADEL_SVID_URI_SAN',
      `leaf URI SAN is not a SPIFFE ID: ${(err as Error).message}`,
      err,
    );
  }
  if (id.isTrustDomainId) {
    throw svidError(
      'ERR_CITADEL_SVID_URI_SAN',
      `leaf SPIFFE ID ${id} has no path (that is a trust domain ID)`,
    );
  }
  return id;
}

function describe(cert: Certificate, role: string): string {
  return `${role} (serial ${cert.serial})`;
}

function checkValidity(cert: Certificate, role: string, now: number): void {
  if (now > cert.notAfter.getTime()) {
    throw svidError(
      'ERR_CITADEL_SVID_EXPIRED',
      `${describe(cert, role)} expired at ${cert.notAfter.toISOString()}`,
    );
  }
  if (now < cert.notBefore.getTime()) {
    throw svidError(
      'ERR_CITADEL_SVID_NOT_YET_VALID',
      `${describe(cert, role)} is not valid before ${cert.notBefore.toISOString()}`,
    );
  }
}

function checkCommon(cert: Certificate, role: string): void {
  if (cert.decoded.version !== 3) {
    throw svidError('ERR_CITADEL_SVID_INVALID', `${describe(cert, role)} is not an X.509 v3 certificate`);
  }
  if (cert.unknownCriticalExtensions.length > 0) {
    throw svidError(
      'ERR_CITADEL_SVID_INVALID',
      `${describe(cert, role)} has unsupported critical extension(s) ${cert.unknownCriticalExtensions.join(', ')}`,
    );
  }
  if (cert.decoded.signatureAlgorithmOid !== cert.decoded.innerSignatureAlgorithmOid) {
    throw svidError(
      'ERR_CITADEL_SVID_INVALID',
      `${describe(cert, role)} has mismatched signature algorithms`,
    );
  }
}

function checkLeafProfile(leaf: Certificate, usage: 'client' | 'server' | undefined): void {
  checkCommon(leaf, 'leaf');
  if (leaf.isCa) throw svidError('ERR_CITADEL_SVID_INVALID', 'leaf must have cA=false');
  const ku = leaf.keyUsage;
  if (ku === undefined) throw svidError('ERR_CITADEL_SVID_INVALID', 'leaf has no keyUsage extension');
  if (!leaf.keyUsageCritical) throw svidError('ERR_CITADEL_SVID_INVALID', 'leaf keyUsage must be critical');
  if (!ku.has('digitalSignature')) {
    throw svidError('ERR_CITADEL_SVID_INVALID', 'leaf keyUsage lacks digitalSignature');
  }
  if (ku.has('keyCertSign') || ku.has('cRLSign')) {
    throw svidError('ERR_CITADEL_SVID_INVALID', 'leaf keyUsage must not include keyCertSign or cRLSign');
  }
  const eku = leaf.extKeyUsage;
  if (eku !== undefined && usage !== undefined) {
    const needed = usage === 'client' ? CLIENT_AUTH : SERVER_AUTH;
    if (!eku.includes(needed)) {
      throw svidError('ERR_CITADEL_SVID_INVALID', `leaf extendedKeyUsage does not allow ${usage}Auth`);
    }
  }
}

function checkSigningCert(cert: Certificate, role: string, below: number): void {
  checkCommon(cert, role);
  if (!cert.isCa)
    throw svidError('ERR_CITADEL_SVID_INVALID', `${describe(cert, role)} is not a CA (cA=false)`);
  if (cert.keyUsage !== undefined && !cert.keyUsage.has('keyCertSign')) {
    throw svidError('ERR_CITADEL_SVID_INVALID', `${describe(cert, role)} keyUsage lacks keyCertSign`);
  }
  if (cert.pathLen !== undefined && below > cert.pathLen) {
    throw svidError(
      'ERR_CITADEL_SVID_INVALID',
      `${describe(cert, role)} pathLenConstraint ${cert.pathLen} exceeded by ${below} intermediate(s) below it`,
    );
  }
}

/** True when `issuer` signed `child`; positive results for CA children are cached. */
export function signedBy(child: Certificate, issuer: Certificate): boolean {
  if (!child.namedIssuer(issuer)) return false;
  const cacheKey = child.isCa ? `${child.fingerprint}:${issuer.fingerprint}` : undefined;
  if (cacheKey !== undefined && verifiedCaPairs.has(cacheKey)) return true;
  const alg = signatureAlgorithmFromOid(child.decoded.signatureAlgorithmOid);
  if (alg === undefined) return false;
  let ok: boolean;
  try {
    ok = verifyBytes(issuer.publicKey, alg, child.decoded.tbs, child.decoded.signature);
  } catch {
    ok = false;
  }
  if (ok && cacheKey !== undefined) {
    if (verifiedCaPairs.size >= MAX_CACHED_PAIRS) verifiedCaPairs.clear();
    verifiedCaPairs.set(cacheKey, true);
  }
  return ok;
}

function verifyPath(
  leaf: Certificate,
  intermediates: Certificate[],
  bundle: BundleView,
  now: number,
  leafSignatureTrusted: boolean,
): void {
  const issued = (child: Certificate, issuer: Certificate): boolean =>
    child === leaf && leafSignatureTrusted ? child.namedIssuer(issuer) : signedBy(child, issuer);
  let current = leaf;
  let role = 'leaf';
  const used = new Set<Certificate>();
  for (let depth = 0; depth <= MAX_CHAIN; depth++) {
    const anchor = bundle.roots.find((r) => issued(current, r));
    if (anchor !== undefined) {
      if (current !== leaf && current.der.equals(anchor.der)) return;
      checkValidity(anchor, 'root', now);
      checkSigningCert(anchor, 'root', depth);
      return;
    }
    const next = intermediates.find((c) => !used.has(c) && issued(current, c));
    if (next === undefined) {
      const named = [...bundle.roots, ...intermediates].some((c) => current.namedIssuer(c));
      throw svidError(
        'ERR_CITADEL_SVID_UNTRUSTED',
        named
          ? `${describe(current, role)}: signature does not verify against its named issuer`
          : `${describe(current, role)} chains to an unknown CA ("${current.issuer}" is not in the trust bundle of "${bundle.trustDomain}")`,
      );
    }
    used.add(next);
    role = `intermediate ${used.size}`;
    checkValidity(next, role, now);
    checkSigningCert(next, role, depth);
    current = next;
  }
  throw svidError('ERR_CITADEL_SVID_UNTRUSTED', 'no path to a trusted root within the chain length limit');
}
