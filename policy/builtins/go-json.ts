/**
 * @module Go's encoding/json output for Rego values (what OPA's `json.marshal` prints): sorted object keys,
 * HTML-safe escapes (`<` → `\u003c`), `MarshalIndent` layout, and OPA's JSON conversion (sets become
 * arrays, non-string object keys become their JSON text).
 */
import { compareStrings, formatNumber, type RegoNumber, type Value } from '../value/index.js';

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string literal escaped as Go's encoder does (HTMLEscape on). */
export function goQuoteJson(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    const code = s.charCodeAt(i);
    const short = SHORT[c];
    if (short !== undefined) out += short;
    else if (code < 0x20 || c === '<' || c === '>' || c === '&' || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 in Go: replaced by U+FFFD.
      const next = s.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += c + s[i + 1];
        i++;
      } else {
        out += '\ufffd';
      }
    } else out += c;
  }
  return `${out}"`;
}

/** Object key text as OPA converts keys for JSON (strings as-is, anything else as its compact JSON). */
export function jsonKey(k: Value): string {
  return typeof k === 'string' ? k : goMarshal(k);
}

/** Go's json.Marshal / json.MarshalIndent(prefix, indent) of a Rego value. */
export function goMarshal(v: Value, indent?: { prefix: string; indent: string }): string {
  return write(v, indent, 0);
}

function write(v: Value, ind: { prefix: string; indent: string } | undefined, depth: number): string {
  switch (typeof v) {
    case 'string':
      return goQuoteJson(v);
    case 'number':
      return formatNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      break;
  }
  if (v === null) return 'null';
  const nl = (d: number): string => (ind === undefined ? '' : `\n${ind.prefix}${ind.indent.repeat(d)}`);
  if (Array.isArray(v) || (v.kind === 'set' && 'items' in v)) {
    const items = Array.isArray(v) ? v : (v as { items(): readonly Value[] }).items();
    if (items.length === 0) return '[]';
    const parts = items.map((x) => nl(depth + 1) + write(x, ind, depth + 1));
    return `[${parts.join(',')}${nl(depth)}]`;
  }
  if (v.kind === 'number') return formatNumber(v as RegoNumber);
  const o = v as { keys(): readonly Value[]; values(): readonly Value[] };
  const keys = o.keys();
  if (keys.length === 0) return '{}';
  const values = o.values();
  const entries = keys.map((k, i) => [jsonKey(k), values[i] as Value] as const);
  entries.sort((a, b) => compareStrings(a[0], b[0]));
  const colon = ind === undefined ? ':' : ': ';
  const parts = entries.map(
    ([k, x]) => `${nl(depth + 1)}${goQuoteJson(k)}${colon}${write(x, ind, depth + 1)}`,
  );
  return `{${parts.join(',')}${nl(depth)}}`;
}
