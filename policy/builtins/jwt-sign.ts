/**
 * @module `io.jwt.encode_sign` and `io.jwt.encode_sign_raw`: JWS compact serialisation signed with the first
 * key of a JWK (set), with OPA's checks on the `alg` and `typ` headers.
 */
import { ObjectValue, parseJson, type Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import { base64Encode, RawURLEncoding, utf8 } from './go-base64.js';
import { goMarshal } from './go-json.js';
import type { ImplTable } from './impl-types.js';
import { JWS_ALGORITHMS, signData, signingKey } from './jwt-keys.js';
import { str } from './operands.js';

function validJson(text: string): boolean {
  try {
    parseJson(text);
    return true;
  } catch {
    return false;
  }
}

/** A header's string field, with the messages of the JWS library OPA uses. */
function headerString(headers: string, name: string): string {
  if (headers.trim() === '') throw new BuiltinError('cannot parse JSON: cannot parse empty string');
  // Text that is not a JSON object at all has no headers; a broken object is a parse error.
  if (!headers.trimStart().startsWith('{')) throw new BuiltinError(`jwsbb: header "${name}" not found`);
  let doc: Value;
  try {
    doc = parseJson(headers);
  } catch (err) {
    throw new BuiltinError(`cannot parse JSON: ${(err as Error).message}`, { cause: err });
  }
  const v = doc instanceof ObjectValue ? doc.get(name) : undefined;
  if (v === undefined) throw new BuiltinError(`jwsbb: header "${name}" not found`);
  if (typeof v !== 'string') throw new BuiltinError(`jwsbb: header "${name}" is not a string`);
  return v;
}

function encodeSign(headers: string, payload: string, jwk: string): Value {
  const key = signingKey(jwk);
  let alg: string;
  try {
    alg = headerString(headers, 'alg');
  } catch (err) {
    throw new BuiltinError(`missing or invalid 'alg' header: ${(err as Error).message}`, { cause: err });
  }
  if (!JWS_ALGORITHMS.has(alg)) throw new BuiltinError(`unknown JWS algorithm: ${alg}`);
  let typ: string | undefined;
  try {
    typ = headerString(headers, 'typ');
  } catch {
    typ = undefined;
  }
  if ((typ === undefined || typ === 'JWT') && !validJson(payload)) {
    throw new BuiltinError('type is JWT but payload is not JSON');
  }
  const signingInput = `${base64Encode(utf8(headers), RawURLEncoding)}.${base64Encode(utf8(payload), RawURLEncoding)}`;
  const signature = signData(key, alg, Buffer.from(signingInput));
  return `${signingInput}.${base64Encode(signature, RawURLEncoding)}`;
}

export const jwtSignBuiltins: ImplTable = {
  'io.jwt.encode_sign': {
    impl: (args) =>
      encodeSign(goMarshal(args[0] as Value), goMarshal(args[1] as Value), goMarshal(args[2] as Value)),
    nondeterministic: true,
  },
  'io.jwt.encode_sign_raw': {
    impl: (args) => {
      const jwk = str(args, 2);
      return encodeSign(str(args, 0), str(args, 1), jwk);
    },
    nondeterministic: true,
  },
};
