/**
 * @module `json.verify_schema` and `json.match_schema`: schemas and documents given as JSON strings or
 * values, checked by json-schema-check.ts with gojsonschema's messages (OPA's output shape).
 */
import { parseJson, toJson, type Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { checkSchema, type Json, SchemaInvalid, validate } from './json-schema-check.js';

/** A JSON string (must be valid JSON) or an object/array, as plain JSON. */
function loadJson(v: Value): Json {
  if (typeof v === 'string') {
    try {
      parseJson(v);
    } catch {
      throw new BuiltinError('invalid JSON string');
    }
    return JSON.parse(v) as Json;
  }
  if (v !== null && typeof v === 'object' && (Array.isArray(v) || v.kind === 'object')) {
    return JSON.parse(toJson(v)) as Json;
  }
  throw new BuiltinError('wrong type, expected string or object');
}

function compile(v: Value): Json {
  const schema = loadJson(v);
  try {
    checkSchema(schema);
  } catch (err) {
    if (err instanceof SchemaInvalid) throw new BuiltinError(err.message, { cause: err });
    throw err;
  }
  return schema;
}

function verifySchema(args: readonly Value[]): Value {
  try {
    compile(args[0] as Value);
    return [true, null];
  } catch (err) {
    return [false, `jsonschema: ${(err as Error).message}`];
  }
}

function matchSchema(args: readonly Value[]): Value {
  const doc = loadJson(args[0] as Value);
  const schema = compile(args[1] as Value);
  let errors: ReturnType<typeof validate>;
  try {
    errors = validate(schema, doc);
  } catch (err) {
    throw new BuiltinError((err as Error).message, { cause: err });
  }
  const list: Value[] = errors.map((e) =>
    parseJson(JSON.stringify({ error: `${e.field}: ${e.desc}`, type: e.type, field: e.field, desc: e.desc })),
  );
  return [errors.length === 0, list];
}

export const jsonSchemaBuiltins: ImplTable = {
  'json.verify_schema': verifySchema,
  'json.match_schema': matchSchema,
};
