/**
 * @module Rego value → JSON text and → plain JS values, and plain JS → Rego value. Value layer.
 * Follows OPA's conversion: sets become sorted arrays, object keys that are not strings become their JSON
 * text, big numbers keep their digits in JSON text.
 */
import { formatNumber, numberFromBigInt } from './number.js';
import { ObjectValue } from './object.js';
import { SetValue } from './set.js';
import { BigNum, type Value } from './value.js';

/** JSON text of a value (compact, or indented by `indent` spaces). Object keys come out sorted. */
export function toJson(v: Value, indent = 0): string {
  return write(v, indent, '');
}

function write(v: Value, indent: number, pad: string): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return formatNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default: {
      if (v === null) return 'null';
      const inner = indent > 0 ? pad + ' '.repeat(indent) : '';
      const sep = indent > 0 ? `,\n${inner}` : ',';
      const open = (c: string) => (indent > 0 ? `${c}\n${inner}` : c);
      const close = (c: string) => (indent > 0 ? `\n${pad}${c}` : c);
      if (Array.isArray(v) || v.kind === 'set') {
        const items = Array.isArray(v) ? v : v.items();
        if (items.length === 0) return '[]';
        return `${open('[')}${items.map((x) => write(x, indent, inner)).join(sep)}${close(']')}`;
      }
      if (v.kind === 'number') return formatNumber(v as BigNum);
      const keys = v.keys();
      if (keys.length === 0) return '{}';
      const values = v.values();
      const colon = indent > 0 ? ': ' : ':';
      // Keys sort by their JSON text, as Go's encoding/json sorts map keys.
      const pairs = keys.map((k, i): [string, string] => [
        typeof k === 'string' ? k : toJson(k),
        write(values[i] as Value, indent, inner),
      ]);
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return `${open('{')}${pairs.map(([k, x]) => `${JSON.stringify(k)}${colon}${x}`).join(sep)}${close('}')}`;
    }
  }
}

/** How `toJS` renders numbers a double cannot hold. */
export type BigNumberMode = 'number' | 'string' | 'bigint';

/**
 * A plain JS value (what JSON.parse would give for `toJson(v)`), e.g. for hosts that take JS objects.
 * Big numbers become the nearest double by default (lossy), or their text / a bigint when asked.
 */
export function toJS(v: Value, bigNumbers: BigNumberMode = 'number'): unknown {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return v;
    default: {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map((x) => toJS(x, bigNumbers));
      if (v.kind === 'set') return v.items().map((x) => toJS(x, bigNumbers));
      if (v.kind === 'number') {
        const d = (v as BigNum).decimal;
        if (bigNumbers === 'string') return (v as BigNum).text;
        if (bigNumbers === 'bigint' && d.isInteger()) return BigInt(d.toFixed());
        return d.toNumber();
      }
      const out: Record<string, unknown> = {};
      const keys = v.keys();
      const values = v.values();
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as Value;
        out[typeof k === 'string' ? k : toJson(k)] = toJS(values[i] as Value, bigNumbers);
      }
      return out;
    }
  }
}

/**
 * A Rego value from a plain JS value: null, booleans, finite numbers, bigints, strings, arrays, plain
 * objects, `Set`s and `Map`s. Values that already are Rego values (ObjectValue, SetValue, BigNum) pass
 * through. Throws a TypeError naming the path of anything else (undefined, functions, NaN, ...).
 */
export function fromJS(x: unknown, path = '$'): Value {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      if (!Number.isFinite(x)) throw new TypeError(`${path}: ${x} is not a JSON number`);
      return x === 0 ? 0 : x;
    case 'bigint':
      return numberFromBigInt(x);
    case 'object': {
      if (x === null) return null;
      if (x instanceof ObjectValue || x instanceof SetValue || x instanceof BigNum) return x;
      if (Array.isArray(x)) return x.map((e, i) => fromJS(e, `${path}[${i}]`));
      if (x instanceof Set) return SetValue.from([...x].map((e, i) => fromJS(e, `${path}{${i}}`)));
      if (x instanceof Map) {
        const o = new ObjectValue();
        for (const [k, v] of x) o.set(fromJS(k, `${path}<key>`), fromJS(v, `${path}.${String(k)}`));
        return o;
      }
      const o = new ObjectValue();
      for (const k of Object.keys(x)) o.set(k, fromJS((x as Record<string, unknown>)[k], `${path}.${k}`));
      return o;
    }
    default:
      throw new TypeError(`${path}: a ${typeof x} is not a Rego value`);
  }
}
