/**
 * @module Hash and MAC builtins: `crypto.md5 crypto.sha1 crypto.sha256`, `crypto.hmac.md5|sha1|sha256|sha512`
 * (hex digests of the strings' UTF-8 bytes) and the constant-time `crypto.hmac.equal`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Value } from '../value/index.js';
import { utf8 } from './go-base64.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

const hash = (algorithm: string) => (args: readonly Value[]) =>
  createHash(algorithm)
    .update(utf8(str(args, 0)))
    .digest('hex');

const hmac = (algorithm: string) => (args: readonly Value[]) => {
  const message = str(args, 0);
  const key = str(args, 1);
  return createHmac(algorithm, utf8(key)).update(utf8(message)).digest('hex');
};

/** Constant-time comparison of two MACs (false for different lengths, as Go's hmac.Equal). */
function hmacEqual(args: readonly Value[]): Value {
  const a = Buffer.from(utf8(str(args, 0)));
  const b = Buffer.from(utf8(str(args, 1)));
  return a.length === b.length && timingSafeEqual(a, b);
}

export const cryptoBuiltins: ImplTable = {
  'crypto.md5': hash('md5'),
  'crypto.sha1': hash('sha1'),
  'crypto.sha256': hash('sha256'),
  'crypto.hmac.md5': hmac('md5'),
  'crypto.hmac.sha1': hmac('sha1'),
  'crypto.hmac.sha256': hmac('sha256'),
  'crypto.hmac.sha512': hmac('sha512'),
  'crypto.hmac.equal': hmacEqual,
};
