/**
 * @module Rendering a value as a Rego term, the way OPA prints values (`{1, 2}` for sets, `set()` for the
 * empty set, sorted object keys). Value layer; used by error messages, `--explain`, test-failure output.
 */
import { formatNumber } from './number.js';
import type { BigNum, Value } from './value.js';

/** A value as Rego source text. */
export function toRegoString(v: Value): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return formatNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default: {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map(toRegoString).join(', ')}]`;
      switch (v.kind) {
        case 'number':
          return formatNumber(v as BigNum);
        case 'set':
          return v.size === 0 ? 'set()' : `{${v.items().map(toRegoString).join(', ')}}`;
        default: {
          const keys = v.keys();
          const values = v.values();
          const parts = keys.map((k, i) => `${toRegoString(k)}: ${toRegoString(values[i] as Value)}`);
          return `{${parts.join(', ')}}`;
        }
      }
    }
  }
}
