/**
 * @module YAML text → Rego value, keeping number literals exact (read from their source text, since the
 * YAML library would round them to doubles). Value layer; used for YAML data/input files and the
 * conformance suite.
 */
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { PolicyError } from '../errors.js';
import { fromJS } from './json-format.js';
import { isNumberLiteral, numberFromLiteral } from './number.js';
import { ObjectValue } from './object.js';
import type { Value } from './value.js';

/** Parse a YAML document into a Rego value. Throws `ERR_POLICY_YAML` naming `source`, line and column. */
export function parseYaml(text: string, source = '<yaml>'): Value {
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
    throw new PolicyError('ERR_POLICY_YAML', `${where}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  return doc.contents === null ? null : yamlNodeToValue(doc.contents as Node);
}

/** A parsed YAML node as a Rego value (map keys become strings, as JSON requires). */
export function yamlNodeToValue(node: Node): Value {
  if (isMap(node)) {
    const o = new ObjectValue();
    for (const pair of node.items) {
      const k = pair.key as Node | null;
      const key = k === null ? 'null' : isScalar(k) ? String(k.value) : JSON.stringify(k.toJSON());
      o.set(key, pair.value === null ? null : yamlNodeToValue(pair.value as Node));
    }
    return o;
  }
  if (isSeq(node)) return node.items.map((n) => (n === null ? null : yamlNodeToValue(n as Node)));
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number' || typeof v === 'bigint') {
      const src = node.source?.trim();
      if (src !== undefined && isNumberLiteral(src)) return numberFromLiteral(src);
    }
    return fromJS(v);
  }
  return fromJS(node.toJSON());
}
