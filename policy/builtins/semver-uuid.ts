/**
 * @module `semver.is_valid`, `semver.compare` (SemVer 2.0.0 through the semver package, no `v` prefix as in
 * OPA), `uuid.rfc4122` (random v4, one per key per evaluation) and `uuid.parse` (fields of v1/v2 UUIDs).
 */
import { randomBytes } from 'node:crypto';
import semver from 'semver';
import { numberFromBigInt, ObjectValue, type Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

/** A strict SemVer 2.0.0 version (npm's parser also takes "v1.2.3" and "=1.2.3"; OPA does not). */
function parseSemver(s: string): semver.SemVer | undefined {
  if (!/^\d/.test(s)) return undefined;
  return semver.parse(s, { loose: false }) ?? undefined;
}

function compare(args: readonly Value[]): Value {
  const a = str(args, 0);
  const b = str(args, 1);
  const va = parseSemver(a);
  if (va === undefined)
    throw new BuiltinError(`operand 1: string ${JSON.stringify(a)} is not a valid SemVer`);
  const vb = parseSemver(b);
  if (vb === undefined)
    throw new BuiltinError(`operand 2: string ${JSON.stringify(b)} is not a valid SemVer`);
  return semver.compare(va, vb);
}

// --- UUIDs ---

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function rfc4122(args: readonly Value[], ctx: { cache: Map<string, Value> }): Value {
  const key = `uuid.rfc4122:${str(args, 0)}`;
  const cached = ctx.cache.get(key);
  if (cached !== undefined) return cached;
  const b = randomBytes(16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const id = formatUuid(b);
  ctx.cache.set(key, id);
  return id;
}

/** google/uuid's Parse forms: 36 chars with dashes, `urn:uuid:` prefix, `{…}`, or 32 hex digits. */
function uuidBytes(s: string): Buffer | undefined {
  let t = s;
  if (t.length === 45 && t.slice(0, 9).toLowerCase() === 'urn:uuid:') t = t.slice(9);
  else if (t.length === 38 && t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (t.length === 36) {
    if (t[8] !== '-' || t[13] !== '-' || t[18] !== '-' || t[23] !== '-') return undefined;
    t = t.replaceAll('-', '');
  }
  if (!/^[0-9a-fA-F]{32}$/.test(t)) return undefined;
  return Buffer.from(t, 'hex');
}

function variantName(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  if ((b & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(first: number): string {
  if ((first & 0b11) === 0b11) return 'local:multicast';
  if ((first & 0b01) === 0b01) return 'global:multicast';
  if ((first & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

// 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01.
const GREGORIAN_OFFSET = 122192928000000000n;

function parseUuid(args: readonly Value[]): Value | undefined {
  const b = uuidBytes(str(args, 0));
  if (b === undefined) return undefined;
  const version = (b[6] as number) >> 4;
  const out = new ObjectValue().set('version', version).set('variant', variantName(b[8] as number));
  if (version === 1 || version === 2) {
    const t =
      BigInt(b.readUInt32BE(0)) |
      (BigInt(b.readUInt16BE(4)) << 32n) |
      (BigInt(b.readUInt16BE(6) & 0x0fff) << 48n);
    const since = t - GREGORIAN_OFFSET;
    out.set('time', numberFromBigInt((since / 10_000_000n) * 1_000_000_000n + (since % 10_000_000n) * 100n));
    out.set('clocksequence', b.readUInt16BE(8) & 0x3fff);
    const node = b.subarray(10, 16);
    out.set('nodeid', Array.from(node, (x) => x.toString(16).padStart(2, '0')).join('-'));
    out.set('macvariables', macVariables(node[0] as number));
    if (version === 2) {
      out.set('id', b.readUInt32BE(0));
      const d = b[9] as number;
      out.set('domain', d === 0 ? 'Person' : d === 1 ? 'Group' : d === 2 ? 'Org' : `Domain${d}`);
    }
  }
  return out;
}

export const semverUuidBuiltins: ImplTable = {
  'semver.is_valid': (args) => typeof args[0] === 'string' && parseSemver(args[0]) !== undefined,
  'semver.compare': compare,
  'uuid.rfc4122': { impl: rfc4122, nondeterministic: true },
  'uuid.parse': parseUuid,
};
