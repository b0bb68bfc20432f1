/**
 * @module Encoding builtins: `base64.* base64url.* hex.* urlquery.*`, with Go's decoders and error texts
 * (OPA's v1/topdown/encoding.go).
 */
import { ObjectValue, SetValue, type Value } from '../value/index.js';
import { BuiltinError, operandError, typeError } from './builtin-error.js';
import {
  base64Decode,
  base64Encode,
  fromUtf8,
  RawURLEncoding,
  StdEncoding,
  URLEncoding,
  utf8,
} from './go-base64.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

function base64UrlDecode(args: readonly Value[]): Value {
  let s = str(args, 0);
  // Accept unpadded input, as RFC 7515 appendix C describes and OPA does.
  if (!s.endsWith('=')) {
    switch (s.length % 4) {
      case 0:
        break;
      case 2:
        s += '==';
        break;
      case 3:
        s += '=';
        break;
      default:
        throw new BuiltinError(`illegal base64url string: ${s}`);
    }
  }
  return fromUtf8(base64Decode(s, URLEncoding));
}

const HEX = '0123456789abcdefABCDEF';

function hexDecode(args: readonly Value[]): Value {
  const s = utf8(str(args, 0));
  const invalid = (b: number): BuiltinError => {
    const ch = String.fromCodePoint(b);
    return new BuiltinError(
      `encoding/hex: invalid byte: U+${b.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`,
    );
  };
  const val = (b: number): number => {
    const i = HEX.indexOf(String.fromCharCode(b));
    return i < 0 ? -1 : i < 16 ? i : i - 6;
  };
  const out = new Uint8Array(s.length >> 1);
  let j = 1;
  for (; j < s.length; j += 2) {
    const a = val(s[j - 1] as number);
    const b = val(s[j] as number);
    if (a < 0) throw invalid(s[j - 1] as number);
    if (b < 0) throw invalid(s[j] as number);
    out[(j - 1) >> 1] = (a << 4) | b;
  }
  if (s.length % 2 === 1) {
    if (val(s[j - 1] as number) < 0) throw invalid(s[j - 1] as number);
    throw new BuiltinError('encoding/hex: odd length hex string');
  }
  return fromUtf8(out);
}

// --- URL query encoding (Go's net/url) ---

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of utf8(s)) {
    const c = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's url.QueryUnescape. */
export function queryUnescape(s: string): string {
  const bytes: number[] = [];
  const src = utf8(s);
  for (let i = 0; i < src.length; i++) {
    const b = src[i] as number;
    if (b === 0x25) {
      const hex = String.fromCharCode(src[i + 1] ?? 0, src[i + 2] ?? 0);
      if (i + 2 >= src.length || !/^[0-9a-fA-F]{2}$/.test(hex)) {
        const bad = fromUtf8(src.subarray(i, Math.min(i + 3, src.length)));
        throw new BuiltinError(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (b === 0x2b) {
      bytes.push(0x20);
    } else {
      bytes.push(b);
    }
  }
  return fromUtf8(Uint8Array.from(bytes));
}

const ENCODE_OBJECT_ERROR = 'operand 1 values must be string, array[string], or set[string]';

function encodeObject(args: readonly Value[]): Value {
  const o = args[0] as Value;
  if (!(o instanceof ObjectValue)) throw operandError(1, o, 'object');
  const pairs: [string, string[]][] = [];
  for (const [k, v] of o) {
    const key = typeof k === 'string' ? k : JSON.stringify(k);
    if (typeof v === 'string') pairs.push([key, [v]]);
    else if (Array.isArray(v) || v instanceof SetValue) {
      const items = Array.isArray(v) ? v : v.items();
      if (!items.every((x) => typeof x === 'string')) throw typeError(ENCODE_OBJECT_ERROR);
      pairs.push([key, items as string[]]);
    } else {
      throw typeError(ENCODE_OBJECT_ERROR);
    }
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const parts: string[] = [];
  for (const [k, vs] of pairs) for (const v of vs) parts.push(`${queryEscape(k)}=${queryEscape(v)}`);
  return parts.join('&');
}

function decodeObject(args: readonly Value[]): Value {
  const q = str(args, 0);
  const out = new Map<string, string[]>();
  for (const part of q.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) throw new BuiltinError('invalid semicolon separator in query');
    const eq = part.indexOf('=');
    const key = queryUnescape(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : queryUnescape(part.slice(eq + 1));
    const list = out.get(key) ?? [];
    list.push(value);
    out.set(key, list);
  }
  return ObjectValue.from([...out].map(([k, v]) => [k, v] as [Value, Value]));
}

export const encodingBuiltins: ImplTable = {
  'base64.encode': (args) => base64Encode(utf8(str(args, 0)), StdEncoding),
  'base64.decode': (args) => fromUtf8(base64Decode(str(args, 0), StdEncoding)),
  'base64.is_valid': (args) => {
    if (typeof args[0] !== 'string') return false;
    try {
      base64Decode(args[0], StdEncoding);
      return true;
    } catch {
      return false;
    }
  },
  'base64url.encode': (args) => base64Encode(utf8(str(args, 0)), URLEncoding),
  'base64url.encode_no_pad': (args) => base64Encode(utf8(str(args, 0)), RawURLEncoding),
  'base64url.decode': base64UrlDecode,
  'hex.encode': (args) => Buffer.from(utf8(str(args, 0))).toString('hex'),
  'hex.decode': hexDecode,
  'urlquery.encode': (args) => queryEscape(str(args, 0)),
  'urlquery.decode': (args) => queryUnescape(str(args, 0)),
  'urlquery.encode_object': encodeObject,
  'urlquery.decode_object': decodeObject,
};
