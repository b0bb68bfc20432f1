/**
 * @module Go's encoding/base64 decoders (standard and URL alphabets, padded or raw) with Go's exact error
 * positions (`illegal base64 data at input byte N`), and UTF-8 helpers for Go's byte strings.
 */
import { BuiltinError } from './builtin-error.js';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}

const MAPS = { std: decodeMap(STD), url: decodeMap(URL) };

export interface Base64Variant {
  alphabet: 'std' | 'url';
  padded: boolean;
}

export const StdEncoding: Base64Variant = { alphabet: 'std', padded: true };
export const URLEncoding: Base64Variant = { alphabet: 'url', padded: true };
export const RawURLEncoding: Base64Variant = { alphabet: 'url', padded: false };
export const RawStdEncoding: Base64Variant = { alphabet: 'std', padded: false };

const corrupt = (at: number): BuiltinError => new BuiltinError(`illegal base64 data at input byte ${at}`);

/** Decode like Go's `Encoding.DecodeString` (newlines ignored, non-strict trailing bits). */
export function base64Decode(text: string, variant: Base64Variant): Uint8Array {
  const src = Buffer.from(text, 'utf8');
  const map = MAPS[variant.alphabet];
  const out: number[] = [];
  let si = 0;
  const isNl = (b: number | undefined) => b === 0x0a || b === 0x0d;
  while (si < src.length) {
    const buf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    let trailingError: BuiltinError | undefined;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        if (j === 1 || variant.padded) throw corrupt(si - j);
        dlen = j;
        break;
      }
      const b = src[si] as number;
      si++;
      const v = map[b] as number;
      if (v >= 0) {
        buf[j] = v;
        continue;
      }
      if (isNl(b)) {
        j--;
        continue;
      }
      if (!variant.padded || b !== 0x3d) throw corrupt(si - 1);
      // Padding: only valid after two or three symbols.
      if (j < 2) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      if (si < src.length) trailingError = corrupt(si);
      dlen = j;
      break;
    }
    const val =
      ((buf[0] as number) << 18) |
      ((buf[1] as number) << 12) |
      ((buf[2] as number) << 6) |
      (buf[3] as number);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out.push(bytes[k] as number);
    if (trailingError) throw trailingError;
    if (dlen < 4) break;
  }
  return Uint8Array.from(out);
}

/** Encode bytes with a Go base64 variant. */
export function base64Encode(bytes: Uint8Array, variant: Base64Variant): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s = b.toString(variant.alphabet === 'std' ? 'base64' : 'base64url');
  if (variant.alphabet === 'url' && variant.padded) s += '='.repeat((4 - (s.length % 4)) % 4);
  if (variant.alphabet === 'std' && !variant.padded) s = s.replace(/=+$/, '');
  return s;
}

/** A Go string's bytes (UTF-8). */
export function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

/**
 * Bytes as a Rego string. Rego strings are Unicode here, so bytes that are not valid UTF-8 become U+FFFD
 * (what OPA itself prints for such strings in JSON).
 */
export function fromUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
