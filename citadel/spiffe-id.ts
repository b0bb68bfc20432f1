/**
 * @module SPIFFE IDs exactly as the SPIFFE-ID specification defines them: the one parser and validator
 * every Palisade component uses. Identity layer, bottom: imports nothing of citadel's but its errors.
 */
import { CitadelError } from './errors.js';

/** The spec's limit on a whole SPIFFE ID, in bytes. */
export const MAX_SPIFFE_ID_BYTES = 2048;
/** The spec's limit on a trust domain name (a DNS-name-like label set). */
export const MAX_TRUST_DOMAIN_BYTES = 255;

const SCHEME = 'spiffe://';
const TRUST_DOMAIN_CHAR = /^[a-z0-9._-]$/;
const PATH_CHAR = /^[a-zA-Z0-9._-]$/;
const WORKLOAD_PATH = /^\/ns\/([a-zA-Z0-9._-]+)\/sa\/([a-zA-Z0-9._-]+)$/;

/**
 * A parsed, valid SPIFFE ID. Immutable; compare with `equals` or by `toString()`.
 * `namespace`/`serviceAccount` are set only for the conventional `/ns/<ns>/sa/<sa>` workload path.
 */
export class SpiffeId {
  readonly trustDomain: string;
  /** `''` for a trust domain ID, else `/seg/seg…`. */
  readonly path: string;
  readonly namespace: string | undefined;
  readonly serviceAccount: string | undefined;
  readonly #text: string;

  /** Use `parseSpiffeId`; the constructor trusts its (already validated) arguments. */
  private constructor(trustDomain: string, path: string) {
    this.trustDomain = trustDomain;
    this.path = path;
    const m = WORKLOAD_PATH.exec(path);
    this.namespace = m?.[1];
    this.serviceAccount = m?.[2];
    this.#text = `${SCHEME}${trustDomain}${path}`;
  }

  /** @internal used by the parser only. */
  static fromValidated(trustDomain: string, path: string): SpiffeId {
    return new SpiffeId(trustDomain, path);
  }

  /** True for the trust domain's own ID (no path), which only signing certificates carry. */
  get isTrustDomainId(): boolean {
    return this.path === '';
  }

  /** The trust domain ID (`spiffe://td`) of this ID's trust domain. */
  trustDomainId(): SpiffeId {
    return new SpiffeId(this.trustDomain, '');
  }

  /** True when both IDs are the same SPIFFE ID. */
  equals(other: SpiffeId): boolean {
    return this.#text === other.toString();
  }

  /** True when this ID belongs to trust domain `td`. */
  memberOf(td: string): boolean {
    return this.trustDomain === td;
  }

  toString(): string {
    return this.#text;
  }

  toJSON(): string {
    return this.#text;
  }
}

function invalid(text: string, reason: string): CitadelError {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return new CitadelError('ERR_CITADEL_SPIFFE_ID', `invalid SPIFFE ID "${shown}": ${reason}`);
}

/**
 * Parse and validate a SPIFFE ID per the SPIFFE-ID spec: scheme `spiffe` (lowercase), a trust domain of
 * `[a-z0-9._-]` (so no uppercase, port or userinfo), path segments of `[a-zA-Z0-9._-]` with no empty, `.`
 * or `..` segment, no trailing slash, no query or fragment, at most 2048 bytes.
 *
 * @throws CitadelError `ERR_CITADEL_SPIFFE_ID` naming the rule broken and the position.
 * @example
 * const id = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
 * id.namespace; // 'shop'
 */
export function parseSpiffeId(text: string): SpiffeId {
  if (typeof text !== 'string' || text === '') throw invalid(String(text ?? ''), 'empty');
  if (Buffer.byteLength(text, 'utf8') > MAX_SPIFFE_ID_BYTES) {
    throw invalid(text, `longer than ${MAX_SPIFFE_ID_BYTES} bytes`);
  }
  if (!text.startsWith(SCHEME)) {
    const lower = text.toLowerCase();
    if (lower.startsWith(SCHEME)) throw invalid(text, 'scheme must be lowercase "spiffe"');
    throw invalid(text, 'scheme is missing or invalid (expected "spiffe://")');
  }
  const rest = text.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const td = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  checkTrustDomain(text, td, SCHEME.length);
  checkPath(text, path, SCHEME.length + td.length);
  return SpiffeId.fromValidated(td, path);
}

/** Parse without throwing: the ID, or undefined when `text` is not a valid SPIFFE ID. */
export function tryParseSpiffeId(text: string): SpiffeId | undefined {
  try {
    return parseSpiffeId(text);
  } catch {
    return undefined;
  }
}

/**
 * Parse a trust domain name, given bare (`example.org`) or as its ID (`spiffe://example.org`).
 * @throws CitadelError `ERR_CITADEL_SPIFFE_ID`
 */
export function parseTrustDomain(text: string): string {
  if (text.startsWith(SCHEME) || text.toLowerCase().startsWith(SCHEME)) {
    const id = parseSpiffeId(text);
    if (!id.isTrustDomainId) throw invalid(text, 'a trust domain has no path');
    return id.trustDomain;
  }
  checkTrustDomain(text, text, 0);
  return text;
}

/** The SPIFFE ID of a trust domain itself (`spiffe://td`), as signing certificates carry it. */
export function trustDomainId(trustDomain: string): SpiffeId {
  return parseSpiffeId(`${SCHEME}${parseTrustDomain(trustDomain)}`);
}

/** Build the conventional workload ID `spiffe://<td>/ns/<namespace>/sa/<serviceAccount>`, validated. */
export function workloadId(trustDomain: string, namespace: string, serviceAccount: string): SpiffeId {
  return parseSpiffeId(`${SCHEME}${trustDomain}/ns/${namespace}/sa/${serviceAccount}`);
}

function checkTrustDomain(text: string, td: string, offset: number): void {
  if (td === '') throw invalid(text, 'trust domain is missing');
  if (td.length > MAX_TRUST_DOMAIN_BYTES) {
    throw invalid(text, `trust domain is longer than ${MAX_TRUST_DOMAIN_BYTES} characters`);
  }
  for (let i = 0; i < td.length; i++) {
    const c = td[i] as string;
    if (TRUST_DOMAIN_CHAR.test(c)) continue;
    const at = `at position ${offset + i}`;
    if (c === ':') throw invalid(text, `trust domain cannot contain a port (":" ${at})`);
    if (c === '@') throw invalid(text, `trust domain cannot contain userinfo ("@" ${at})`);
    if (c === '?' || c === '#') throw invalid(text, `query and fragment are not allowed ("${c}" ${at})`);
    if (c >= 'A' && c <= 'Z') throw invalid(text, `trust domain must be lowercase ("${c}" ${at})`);
    throw invalid(
      text,
      `trust domain characters are limited to lowercase letters, digits, ".", "-" and "_" (${JSON.stringify(c)} ${at})`,
    );
  }
}

function checkPath(text: string, path: string, offset: number): void {
  if (path === '') return;
  if (path.endsWith('/')) throw invalid(text, 'path cannot have a trailing slash');
  // path starts with "/", so segments[0] is the empty string before it.
  const segments = path.split('/');
  let pos = offset;
  for (let s = 1; s < segments.length; s++) {
    const seg = segments[s] as string;
    pos += 1;
    if (seg === '') throw invalid(text, `path cannot contain empty segments ("//" at position ${pos - 1})`);
    if (seg === '.' || seg === '..') {
      throw invalid(text, `path cannot contain "." or ".." segments (at position ${pos})`);
    }
    for (let i = 0; i < seg.length; i++) {
      const c = seg[i] as string;
      if (PATH_CHAR.test(c)) continue;
      const at = `at position ${pos + i}`;
      if (c === '?' || c === '#') throw invalid(text, `query and fragment are not allowed ("${c}" ${at})`);
      throw invalid(
        text,
        `path segment characters are limited to letters, digits, ".", "-" and "_" (${JSON.stringify(c)} ${at})`,
      );
    }
    pos += seg.length;
  }
}
