/**
 * @module Reads OPA's conformance suite (YAML files of `cases:`) into typed cases with exact values: numbers
 * keep their literal digits, as the suite requires. Conformance layer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { type Value, yamlNodeToValue } from '../value/index.js';

/** One conformance case, values already converted to Rego values. */
export interface ConformanceCase {
  readonly note: string;
  /** Directory of the case under the suite root (`aggregates`), used for per-directory summaries. */
  readonly dir: string;
  /** File path relative to the suite root. */
  readonly file: string;
  /** Position of the case in its file. */
  readonly index: number;
  readonly query: string;
  readonly modules: readonly string[];
  readonly data: Value | undefined;
  readonly input: Value | undefined;
  readonly inputTerm: string | undefined;
  /** Expected result set (binding objects); undefined when the case expects an error. */
  readonly wantResult: readonly Value[] | undefined;
  readonly wantErrorCode: string | undefined;
  readonly wantError: string | undefined;
  readonly sortBindings: boolean;
  readonly strictError: boolean;
  readonly ignoreGeneratedVars: boolean;
}

/** Every YAML file under `root`, sorted, as paths relative to it. */
export function listCaseFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml') || name.endsWith('.yml')) out.push(relative(root, path));
    }
  };
  walk(root);
  return out;
}

/** Load the cases of one file. Throws with the file name when the YAML is malformed. */
export function loadCaseFile(root: string, file: string): ConformanceCase[] {
  const text = readFileSync(join(root, file), 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
  const top = doc.contents;
  if (!isMap(top)) throw new Error(`${file}: expected a mapping with a cases: list`);
  const cases = top.get('cases', true);
  if (!isSeq(cases)) throw new Error(`${file}: expected a cases: list`);
  const dir = file.split(/[\\/]/)[0] ?? '';
  return cases.items.map((item, index) => {
    if (!isMap(item)) throw new Error(`${file}: case ${index} is not a mapping`);
    const raw = (key: string) => item.get(key, true) as Node | undefined;
    const plain = (key: string) => {
      const n = raw(key);
      return n === undefined ? undefined : (n.toJSON() as unknown);
    };
    const exact = (key: string) => {
      const n = raw(key);
      return n === undefined ? undefined : yamlNodeToValue(n);
    };
    const want = raw('want_result');
    const wantValue =
      want === undefined || (isScalar(want) && want.value === null) ? undefined : yamlNodeToValue(want);
    return {
      note: String(plain('note') ?? `${file}#${index}`),
      dir,
      file,
      index,
      query: String(plain('query') ?? ''),
      modules: ((plain('modules') as unknown[] | undefined) ?? []).map(String),
      data: exact('data'),
      input: exact('input'),
      inputTerm: plain('input_term') === undefined ? undefined : String(plain('input_term')),
      wantResult: Array.isArray(wantValue) ? wantValue : undefined,
      wantErrorCode: plain('want_error_code') === undefined ? undefined : String(plain('want_error_code')),
      wantError: plain('want_error') === undefined ? undefined : String(plain('want_error')),
      sortBindings: plain('sort_bindings') === true,
      strictError: plain('strict_error') === true,
      ignoreGeneratedVars: plain('ignore_generated_vars') === true,
    };
  });
}
