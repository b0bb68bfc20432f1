/**
 * @module The hash chain. Record layer. Each line is the record's JSON with `"hash"` as its last member;
 * that hash is SHA-256 over the previous record's hash (64 hex chars), a newline, and the line's bytes
 * without the hash member. Hashing the bytes as written (not a re-serialization) means a verifier needs
 * no canonical-JSON implementation: strip the trailing member, hash, compare.
 */
import * as crypto from 'node:crypto';

/** The `prev_hash` of the very first record of a log. */
export const GENESIS_HASH = '0'.repeat(64);

const HASH_OPEN = ',"hash":"';
/** `,"hash":"` + 64 hex + `"}`. */
const SUFFIX_LENGTH = HASH_OPEN.length + 64 + 2;
const SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

/** SHA-256 link of `body` (a complete JSON object, no newline) after `prev`. */
export function linkHash(prev: string, body: string): string {
  return oneShot === undefined
    ? crypto.createHash('sha256').update(prev).update('\n').update(body).digest('hex')
    : oneShot('sha256', `${prev}\n${body}`, 'hex');
}

/** `crypto.hash` (Node >= 20.12): a one-shot digest without a Hash object per record. */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

/**
 * Seal a serialized record: `body` is a JSON object without a hash (a trailing newline is allowed).
 * Returns the line to write (with newline) and its hash.
 */
export function sealLine(prev: string, body: string): { line: string; hash: string } {
  const json = body.endsWith('\n') ? body.slice(0, -1) : body;
  const hash = linkHash(prev, json);
  return { line: `${json.slice(0, -1)}${HASH_OPEN}${hash}"}\n`, hash };
}

/**
 * Split a written line (no newline) into the hashed body and the hash it claims; null when the line
 * does not end with a hash member.
 */
export function openLine(line: string): { body: string; hash: string } | null {
  if (line.length <= SUFFIX_LENGTH) return null;
  const m = SUFFIX.exec(line.slice(line.length - SUFFIX_LENGTH));
  if (m === null) return null;
  const head = line.slice(0, line.length - SUFFIX_LENGTH);
  // An object with only a hash member would leave "{" + "}"; a real record always has members before it.
  return { body: `${head}}`, hash: m[1] as string };
}
