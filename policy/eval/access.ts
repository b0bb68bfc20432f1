/**
 * @module Collection access for DotStmt and LenStmt: index, key and membership lookups. Evaluator layer.
 */
import { ObjectValue, SetValue, type Value } from '../value/index.js';

/** `source[key]`: array index, object key, or set membership (yields the element); undefined if absent. */
export function dot(source: Value, key: Value): Value | undefined {
  if (source instanceof ObjectValue) return source.get(key);
  if (Array.isArray(source)) {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 ? source[key] : undefined;
  }
  if (source instanceof SetValue) return source.has(key) ? key : undefined;
  return undefined;
}

/** Length of an array, object, set or string (in code points, as Rego counts); undefined otherwise. */
export function length(source: Value): number | undefined {
  if (typeof source === 'string') {
    let n = 0;
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) n++;
    }
    return n;
  }
  if (Array.isArray(source)) return source.length;
  if (source instanceof ObjectValue || source instanceof SetValue) return source.size;
  return undefined;
}

/**
 * What ScanStmt iterates: arrays by index (`keys` null), objects by key in OPA's sorted order, sets by
 * element (key and value alike); undefined for scalars, which scan nothing.
 */
export function scanEntries(
  source: Value,
): { keys: readonly Value[] | null; values: readonly Value[] } | undefined {
  if (Array.isArray(source)) return { keys: null, values: source };
  if (source instanceof ObjectValue) return { keys: source.keys(), values: source.values() };
  if (source instanceof SetValue) {
    const items = source.items();
    return { keys: items, values: items };
  }
  return undefined;
}
