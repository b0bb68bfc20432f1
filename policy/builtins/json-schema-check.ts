/**
 * @module JSON Schema (draft 4/6/7) validation with the messages, error types and field paths of
 * gojsonschema, the validator OPA uses for `json.match_schema` (patterns use RE2, as there). Schemas are
 * plain JS values (from JSON); only local `$ref`s (`#`, `#/definitions/x`) are followed.
 */

import { parseIP } from './go-ip.js';
import { compileRegexp, isValidRegexp, matchString } from './go-regexp.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface SchemaError {
  type: string;
  field: string;
  desc: string;
}

const TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

/** A schema that cannot be compiled; the message is gojsonschema's. */
export class SchemaInvalid extends Error {}

const isObj = (x: unknown): x is { [k: string]: Json } =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

/** Check a schema's own structure (what gojsonschema rejects when compiling). */
export function checkSchema(schema: Json): void {
  if (typeof schema === 'boolean') return;
  if (!isObj(schema)) throw new SchemaInvalid(`Invalid type. Expected: object, given: ${typeOfJson(schema)}`);
  const t = schema.type;
  if (t !== undefined) {
    const list = Array.isArray(t) ? t : [t];
    for (const x of list) {
      if (typeof x !== 'string' || !TYPES.includes(x)) {
        throw new SchemaInvalid(
          `has a primitive type that is NOT VALID -- given: /${String(x)}/ Expected valid values are:[${TYPES.join(' ')}]`,
        );
      }
    }
  }
  if (
    schema.required !== undefined &&
    !(Array.isArray(schema.required) && schema.required.every((r) => typeof r === 'string'))
  ) {
    throw new SchemaInvalid('required must be of type array of strings');
  }
  for (const k of ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']) {
    const v = schema[k];
    if (v === undefined) continue;
    if (!isObj(v)) throw new SchemaInvalid(`${k} must be of type object`);
    for (const [name, sub] of Object.entries(v)) {
      if (k === 'patternProperties' && !isValidRegexp(name))
        throw new SchemaInvalid(`Invalid regex pattern '${name}'`);
      if (k !== 'dependencies' || !Array.isArray(sub)) checkSchema(sub);
    }
  }
  for (const k of [
    'items',
    'additionalItems',
    'additionalProperties',
    'not',
    'contains',
    'propertyNames',
    'if',
    'then',
    'else',
  ]) {
    const v = schema[k];
    if (v === undefined) continue;
    if (Array.isArray(v) && k === 'items') {
      for (const x of v) checkSchema(x);
    } else checkSchema(v);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const v = schema[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length === 0)
      throw new SchemaInvalid(`${k} must be of type array and not empty`);
    for (const x of v) checkSchema(x);
  }
  if (typeof schema.pattern === 'string' && !isValidRegexp(schema.pattern)) {
    throw new SchemaInvalid(`Invalid regex pattern '${schema.pattern}'`);
  }
  for (const k of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']) {
    const v = schema[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw new SchemaInvalid(`${k} must be of type integer`);
    }
  }
  if (schema.enum !== undefined && !Array.isArray(schema.enum))
    throw new SchemaInvalid('enum must be of type array');
  if (typeof schema.$ref === 'string' && !schema.$ref.startsWith('#')) {
    throw new SchemaInvalid(`remote reference ${JSON.stringify(schema.$ref)} is not allowed`);
  }
}

export function typeOfJson(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  return typeof x === 'object' ? 'object' : typeof x;
}

const canonicalJson = (x: Json): string =>
  isObj(x)
    ? `{${Object.keys(x)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson(x[k] as Json)}`)
        .join(',')}}`
    : Array.isArray(x)
      ? `[${x.map(canonicalJson).join(',')}]`
      : JSON.stringify(x);

const sameJson = (a: Json, b: Json): boolean => canonicalJson(a) === canonicalJson(b);

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  time: (s) => /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  hostname: (s) =>
    /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/.test(
      s,
    ),
  ipv4: (s) => !s.includes(':') && parseIP(s) !== undefined,
  ipv6: (s) => s.includes(':') && parseIP(s) !== undefined,
  uri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s),
  uuid: (s) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s),
  regex: (s) => isValidRegexp(s),
};

/** Validate `doc` against `schema`; errors in gojsonschema's order and wording. */
export function validate(schema: Json, doc: Json): SchemaError[] {
  const errors: SchemaError[] = [];
  const root = schema;
  const resolve = (ref: string): Json => {
    let cur: Json = root;
    for (const raw of ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter((p) => p !== '')) {
      const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      cur = isObj(cur)
        ? (cur[part] as Json)
        : Array.isArray(cur)
          ? (cur[Number(part)] as Json)
          : (undefined as unknown as Json);
      if (cur === undefined) throw new SchemaInvalid(`Object has no key '${part}'`);
    }
    return cur;
  };
  const run = (s: Json, v: Json, path: string[], out: SchemaError[]): void => {
    if (s === true) return;
    const field = path.length === 0 ? '(root)' : path.join('.');
    const add = (type: string, desc: string): void => {
      out.push({ type, field, desc });
    };
    if (s === false) {
      add('false', 'False always fails validation');
      return;
    }
    if (!isObj(s)) return;
    if (typeof s.$ref === 'string') {
      run(resolve(s.$ref), v, path, out);
      return;
    }
    const given = typeOfJson(v);
    if (s.type !== undefined) {
      const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
      const ok = types.some((t) => t === given || (t === 'number' && given === 'integer'));
      if (!ok) {
        add('invalid_type', `Invalid type. Expected: ${types.join(', ')}, given: ${given}`);
        return;
      }
    }
    if (s.enum !== undefined && !(s.enum as Json[]).some((e) => sameJson(e, v))) {
      add(
        'enum',
        `${field} must be one of the following: ${(s.enum as Json[]).map((e) => JSON.stringify(e)).join(', ')}`,
      );
    }
    if (s.const !== undefined && !sameJson(s.const, v))
      add('const', `${field} does not match: ${JSON.stringify(s.const)}`);
    const sub = (x: Json): SchemaError[] => {
      const e: SchemaError[] = [];
      run(x, v, path, e);
      return e;
    };
    if (Array.isArray(s.allOf) && s.allOf.some((x) => sub(x).length > 0)) {
      for (const x of s.allOf) out.push(...sub(x));
      add('number_all_of', 'Must validate all the schemas (allOf)');
    }
    if (Array.isArray(s.anyOf) && !s.anyOf.some((x) => sub(x).length === 0))
      add('number_any_of', 'Must validate at least one schema (anyOf)');
    if (Array.isArray(s.oneOf) && s.oneOf.filter((x) => sub(x).length === 0).length !== 1) {
      add('number_one_of', 'Must validate one and only one schema (oneOf)');
    }
    if (s.not !== undefined && sub(s.not).length === 0)
      add('number_not', 'Must not validate the schema (not)');
    if (s.if !== undefined) {
      if (sub(s.if).length === 0) {
        if (s.then !== undefined && sub(s.then).length > 0)
          add('condition_then', 'Must validate "then" as "if" was valid');
      } else if (s.else !== undefined && sub(s.else).length > 0)
        add('condition_else', 'Must validate "else" as "if" was not valid');
    }
    if (isObj(v)) {
      for (const r of (s.required as string[] | undefined) ?? [])
        if (!(r in v)) add('required', `${r} is required`);
      const props = (s.properties as Record<string, Json> | undefined) ?? {};
      const patterns = Object.entries((s.patternProperties as Record<string, Json> | undefined) ?? {});
      for (const [k, x] of Object.entries(v)) {
        let matched = false;
        if (k in props) {
          matched = true;
          run(props[k] as Json, x, [...path, k], out);
        }
        for (const [p, ps] of patterns) {
          if (matchString(compileRegexp(p), k)) {
            matched = true;
            run(ps, x, [...path, k], out);
          }
        }
        if (!matched && s.additionalProperties !== undefined) {
          if (s.additionalProperties === false)
            add('additional_property_not_allowed', `Additional property ${k} is not allowed`);
          else run(s.additionalProperties, x, [...path, k], out);
        }
        if (s.propertyNames !== undefined && sub2(s.propertyNames, k))
          add('invalid_property_name', `Property name of "${k}" does not match`);
      }
      const n = Object.keys(v).length;
      if (typeof s.minProperties === 'number' && n < s.minProperties)
        add('array_min_properties', `Must have at least ${s.minProperties} properties`);
      if (typeof s.maxProperties === 'number' && n > s.maxProperties)
        add('array_max_properties', `Must have at most ${s.maxProperties} properties`);
      for (const [k, dep] of Object.entries((s.dependencies as Record<string, Json> | undefined) ?? {})) {
        if (!(k in v)) continue;
        if (Array.isArray(dep)) {
          for (const d of dep)
            if (!((d as string) in v)) add('missing_dependency', `Has a dependency on ${d as string}`);
        } else run(dep, v, path, out);
      }
    }
    if (Array.isArray(v)) {
      if (Array.isArray(s.items)) {
        v.forEach((x, i) => {
          const itemSchema = (s.items as Json[])[i];
          if (itemSchema !== undefined) run(itemSchema, x, [...path, String(i)], out);
          else if (s.additionalItems === false)
            add('array_no_additional_items', 'No additional items allowed on array');
          else if (s.additionalItems !== undefined) run(s.additionalItems, x, [...path, String(i)], out);
        });
      } else if (s.items !== undefined)
        v.forEach((x, i) => {
          run(s.items as Json, x, [...path, String(i)], out);
        });
      if (typeof s.minItems === 'number' && v.length < s.minItems)
        add('array_min_items', `Array must have at least ${s.minItems} items`);
      if (typeof s.maxItems === 'number' && v.length > s.maxItems)
        add('array_max_items', `Array must have at most ${s.maxItems} items`);
      if (s.uniqueItems === true) {
        const seen = v.map(canonicalJson);
        outer: for (let i = 0; i < seen.length; i++) {
          for (let j = i + 1; j < seen.length; j++) {
            if (seen[i] === seen[j]) {
              add('unique', `array items[${i},${j}] must be unique`);
              break outer;
            }
          }
        }
      }
      if (s.contains !== undefined && !v.some((x) => !sub2(s.contains as Json, x)))
        add('contains', 'At least one of the items must match');
    }
    if (typeof v === 'string') {
      const len = Array.from(v).length;
      if (typeof s.minLength === 'number' && len < s.minLength)
        add('string_gte', `String length must be greater than or equal to ${s.minLength}`);
      if (typeof s.maxLength === 'number' && len > s.maxLength)
        add('string_lte', `String length must be less than or equal to ${s.maxLength}`);
      if (typeof s.pattern === 'string' && !matchString(compileRegexp(s.pattern), v))
        add('pattern', `Does not match pattern '${s.pattern}'`);
      const check = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
      if (check !== undefined && !check(v)) add('format', `Does not match format '${s.format as string}'`);
    }
    if (typeof v === 'number') {
      if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf))
        add('multiple_of', `Must be a multiple of ${s.multipleOf}`);
      const exMin = s.exclusiveMinimum;
      const exMax = s.exclusiveMaximum;
      if (typeof s.minimum === 'number') {
        if (exMin === true ? v <= s.minimum : v < s.minimum)
          add(
            exMin === true ? 'number_gt' : 'number_gte',
            `Must be greater than ${exMin === true ? '' : 'or equal to '}${s.minimum}`,
          );
      }
      if (typeof exMin === 'number' && v <= exMin) add('number_gt', `Must be greater than ${exMin}`);
      if (typeof s.maximum === 'number') {
        if (exMax === true ? v >= s.maximum : v > s.maximum)
          add(
            exMax === true ? 'number_lt' : 'number_lte',
            `Must be less than ${exMax === true ? '' : 'or equal to '}${s.maximum}`,
          );
      }
      if (typeof exMax === 'number' && v >= exMax) add('number_lt', `Must be less than ${exMax}`);
    }
  };
  const sub2 = (s: Json, v: Json): boolean => {
    const e: SchemaError[] = [];
    run(s, v, [], e);
    return e.length > 0;
  };
  run(schema, doc, [], errors);
  return errors;
}
