/**
 * @module JWT builtins: `io.jwt.decode`, `io.jwt.verify_*` and `io.jwt.decode_verify`, following OPA's
 * v1/topdown/tokens.go (JWS compact serialisation; JWE is refused; nested `cty: JWT` tokens).
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { isNumber, ObjectValue, parseJson, toFloat, type Value } from '../value/index.js';
import { BuiltinError, operandError } from './builtin-error.js';
import { base64Decode, URLEncoding, utf8 } from './go-base64.js';
import { trimCutset } from './go-strings.js';
import type { ImplTable } from './impl-types.js';
import { JWS_ALGORITHMS, type VerificationKey, verificationKeys, verifySignature } from './jwt-keys.js';
import { object, str } from './operands.js';

interface Token {
  header: string;
  payload: string;
  signature: string;
}

/** base64url with OPA's padding repair, to bytes. */
export function b64urlBytes(s: string): Buffer {
  let t = s;
  if (!t.endsWith('=')) {
    switch (t.length % 4) {
      case 0:
        break;
      case 2:
        t += '==';
        break;
      case 3:
        t += '=';
        break;
      default:
        throw new BuiltinError(`illegal base64url string: ${t}`);
    }
  }
  return Buffer.from(base64Decode(t, URLEncoding));
}

function splitToken(jwt: string): Token {
  if (!jwt.includes('.')) throw new BuiltinError('encoded JWT had no period separators');
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new BuiltinError(`encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0] as string, payload: parts[1] as string, signature: parts[2] as string };
}

function jsonObject(text: string): ObjectValue {
  let v: Value;
  try {
    v = parseJson(text);
  } catch (err) {
    throw new BuiltinError(`invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!(v instanceof ObjectValue)) throw new BuiltinError('decoded JSON type was not an Object');
  return v;
}

function decodePart(part: string, what: string): string {
  try {
    return b64urlBytes(part).toString('utf8');
  } catch (err) {
    throw new BuiltinError(`JWT ${what} had invalid encoding: ${(err as Error).message}`, { cause: err });
  }
}

function decodeHeader(t: Token): ObjectValue {
  let header: ObjectValue;
  try {
    header = jsonObject(decodePart(t.header, 'header'));
  } catch (err) {
    if (err instanceof BuiltinError && err.message.startsWith('JWT header')) throw err;
    throw new BuiltinError(`bad JWT header: ${(err as Error).message}`, { cause: err });
  }
  if (header.has('enc')) throw new BuiltinError('JWT is a JWE object, which is not supported');
  return header;
}

function decodeSignature(t: Token): Buffer {
  return b64urlBytes(t.signature);
}

function decode(args: readonly Value[]): Value {
  const t = splitToken(str(args, 0));
  const header = decodeHeader(t);
  let payload = decodePart(t.payload, 'payload');
  if (header.get('cty') === 'JWT') {
    // A nested token, possibly quoted (as jwt.io produces it).
    payload = trimCutset(payload, `"'`, true, true);
    return decode([payload]);
  }
  const claims = jsonObject(payload);
  let sig: Buffer;
  try {
    sig = decodeSignature(t);
  } catch (err) {
    throw new BuiltinError(`JWT signature had invalid encoding: ${(err as Error).message}`, { cause: err });
  }
  return [header, claims, sig.toString('hex')];
}

interface HeaderFields {
  alg: string;
  kid: string;
  cty: string;
  valid: boolean;
}

/** OPA's parseTokenHeader + valid(): alg present, no unknown critical parameters. */
function headerFields(header: ObjectValue): HeaderFields {
  const out: HeaderFields = { alg: '', kid: '', cty: '', valid: true };
  const unknown: string[] = [];
  let crit = new Set<string>();
  for (const [k, v] of header) {
    const key = k as string;
    if (key === 'alg' || key === 'kid' || key === 'typ' || key === 'cty') {
      if (typeof v !== 'string') throw new BuiltinError(`${key}: must be a string`);
      if (key !== 'typ') out[key] = v;
    } else if (key === 'crit') {
      if (!Array.isArray(v)) throw new BuiltinError('crit: must be a list');
      crit = new Set(v.filter((x): x is string => typeof x === 'string'));
      if (crit.size === 0) throw new BuiltinError('crit: must be a nonempty list');
    } else {
      unknown.push(key);
    }
  }
  out.valid = out.alg !== '' && !unknown.some((u) => crit.has(u));
  return out;
}

function keyByKid(kid: string, keys: readonly VerificationKey[]): VerificationKey | undefined {
  return kid === '' ? undefined : keys.find((k) => k.kid === kid);
}

/** verify_RS256 and friends: `alg` fixes the verification algorithm, the token's header picks the key. */
function verifyWith(alg: string) {
  return (args: readonly Value[]): Value => {
    const jwt = str(args, 0);
    const t = splitToken(jwt);
    if (alg.startsWith('HS')) {
      const secret = str(args, 1);
      const signature = decodeSignature(t);
      return verifySignature(secretKey(secret), alg, Buffer.from(`${t.header}.${t.payload}`), signature);
    }
    const keys = verificationKeys(str(args, 1));
    const signature = decodeSignature(t);
    const fields = headerFields(decodeHeader(t));
    const data = Buffer.from(`${t.header}.${t.payload}`);
    const byKid = keyByKid(fields.kid, keys);
    if (byKid !== undefined) return verifySignature(byKid.key, alg, data, signature);
    for (const k of keys) {
      if (k.alg !== '' && k.alg !== fields.alg) continue;
      if (verifySignature(k.key, alg, data, signature)) return true;
    }
    return false;
  };
}

function secretKey(secret: string): KeyObject {
  return createSecretKey(utf8(secret));
}

// --- io.jwt.decode_verify ---

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys: VerificationKey[] | undefined;
  timeNs: number;
}

function constraintString(name: string, v: Value): string {
  if (typeof v !== 'string') throw new BuiltinError(`${name} constraint: must be a string`);
  return v;
}

function constraintTime(v: Value): number {
  if (!isNumber(v)) throw new BuiltinError('token time constraint: must be a number');
  const t = toFloat(v);
  if (!Number.isFinite(t)) throw new BuiltinError('token time constraint: unvalid float64');
  if (t < 0) throw new BuiltinError('token time constraint: must not be negative');
  return t;
}

function parseConstraints(o: ObjectValue, nowNs: bigint): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', keys: undefined, timeNs: -1 };
  for (const [k, v] of o) {
    switch (k) {
      case 'cert':
        if (typeof v !== 'string') throw new BuiltinError('cert constraint: must be a string');
        c.keys = verificationKeys(v);
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        c[k] = constraintString(k, v);
        break;
      case 'time':
        c.timeNs = constraintTime(v);
        break;
      default:
        throw new BuiltinError(`unknown token validation constraint: ${String(k)}`);
    }
  }
  if (c.timeNs === -1) c.timeNs = Number(nowNs);
  const keyKinds = (c.keys !== undefined ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keyKinds > 1) throw new BuiltinError('duplicate key constraints');
  if (keyKinds < 1) throw new BuiltinError('no key constraint');
  return c;
}

function verifiedBy(c: Constraints, kid: string, alg: string, data: Buffer, sig: Buffer): boolean {
  if (!JWS_ALGORITHMS.has(alg)) return false;
  if (c.keys !== undefined) {
    const byKid = keyByKid(kid, c.keys);
    if (byKid !== undefined) return verifySignature(byKid.key, alg, data, sig);
    return c.keys.some((k) => (k.alg === '' || k.alg === alg) && verifySignature(k.key, alg, data, sig));
  }
  return verifySignature(secretKey(c.secret), alg, data, sig);
}

function validAudience(aud: Value, want: string): boolean {
  if (typeof aud === 'string') return aud === want;
  return Array.isArray(aud) && aud.some((x) => x === want);
}

function decodeVerify(args: readonly Value[], ctx: { nowNs: bigint }): Value {
  const unverified: Value = [false, new ObjectValue(), new ObjectValue()];
  const c = parseConstraints(object(args, 1), ctx.nowNs);
  let jwt = args[0] as Value;
  let t: Token;
  let payloadText: string;
  for (;;) {
    if (typeof jwt !== 'string') throw operandError(1, jwt, 'string');
    t = splitToken(jwt);
    const header = decodeHeader(t);
    const fields = headerFields(header);
    if (!fields.valid) return unverified;
    if (c.alg !== '' && c.alg !== fields.alg) return unverified;
    const sig = decodeSignature(t);
    if (!verifiedBy(c, fields.kid, fields.alg, Buffer.from(`${t.header}.${t.payload}`), sig))
      return unverified;
    payloadText = decodePart(t.payload, 'payload');
    if (fields.cty.toUpperCase() === 'JWT') {
      jwt = payloadText;
      continue;
    }
    break;
  }
  const payload = jsonObject(payloadText);
  const header = decodeHeader(t);
  if (c.iss !== '') {
    const iss = payload.get('iss');
    if (iss === undefined || iss !== c.iss) return unverified;
  }
  const aud = payload.get('aud');
  if (aud !== undefined ? !validAudience(aud, c.aud) : c.aud !== '') return unverified;
  const nowSec = c.timeNs / 1e9;
  const exp = payload.get('exp');
  if (exp !== undefined) {
    if (!isNumber(exp)) throw new BuiltinError('exp value must be a number');
    if (nowSec >= toFloat(exp)) return unverified;
  }
  const nbf = payload.get('nbf');
  if (nbf !== undefined) {
    if (!isNumber(nbf)) throw new BuiltinError('nbf value must be a number');
    if (nowSec < toFloat(nbf)) return unverified;
  }
  return [true, header, payload];
}

// One io.jwt.verify_<alg> builtin per JWS algorithm OPA knows (EdDSA included: io.jwt.verify_eddsa).
const verifiers: Record<string, (args: readonly Value[]) => Value> = {};
for (const alg of JWS_ALGORITHMS) verifiers[`io.jwt.verify_${alg.toLowerCase()}`] = verifyWith(alg);

export const jwtBuiltins: ImplTable = {
  'io.jwt.decode': decode,
  'io.jwt.decode_verify': { impl: (args, ctx) => decodeVerify(args, ctx), nondeterministic: true },
  ...verifiers,
};
