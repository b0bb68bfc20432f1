/**
 * @module Judges a case's outcome the way OPA's conformance harness does: result sets compared as JSON
 * (sets become sorted arrays), optionally order-insensitive; errors by code and message substring.
 * Conformance layer.
 */
import { compare, equal, ObjectValue, parseJson, toJson, toRegoString, type Value } from '../value/index.js';
import type { ConformanceCase } from './suite.js';

/** What running a case produced. */
export type CaseResult =
  | { readonly kind: 'result'; readonly resultSet: readonly Value[] }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** How the case is being run: the Wasm target has no strict builtin errors and its own conflict messages. */
export type Target = 'ir' | 'wasm';

/** Undefined when the outcome matches; otherwise a one-line reason for the report. */
export function judge(c: ConformanceCase, got: CaseResult, target: Target): string | undefined {
  const expectsError = c.wantErrorCode !== undefined || c.wantError !== undefined;
  if (expectsError) {
    if (got.kind !== 'error')
      return `want error ${c.wantErrorCode ?? ''} ${c.wantError ?? ''}, got ${show(got)}`;
    if (target === 'ir' && c.wantErrorCode !== undefined && got.code !== c.wantErrorCode) {
      return `want error code ${c.wantErrorCode}, got ${got.code}: ${got.message}`;
    }
    const wantMessage = target === 'wasm' ? wasmMessage(c) : c.wantError;
    if (wantMessage !== undefined && !got.message.includes(wantMessage)) {
      return `want error containing ${JSON.stringify(wantMessage)}, got ${got.code}: ${got.message}`;
    }
    return undefined;
  }
  if (got.kind === 'error') return `unexpected error ${got.code}: ${got.message}`;
  const want = c.wantResult ?? [];
  let have = got.resultSet.map(asJson);
  let expected = want.map(asJson);
  if (c.ignoreGeneratedVars) have = have.map(dropGenerated);
  if (c.sortBindings) {
    // As OPA's harness does: bindings holding sets come back as arrays in no promised order, so the
    // arrays inside each binding are sorted, and so is the list of results.
    have = have.map(sortBindingArrays).sort(compare);
    expected = expected.map(sortBindingArrays).sort(compare);
  }
  if (have.length !== expected.length || !have.every((v, i) => equal(v, expected[i] as Value))) {
    return `want ${toRegoString(expected)}, got ${toRegoString(have)}`;
  }
  return undefined;
}

/** OPA's Wasm runtime reports conflicts with its own messages (a case without a message checks none). */
function wasmMessage(c: ConformanceCase): string | undefined {
  if (c.wantErrorCode !== 'eval_conflict_error' || c.wantError === undefined) return c.wantError;
  return c.wantError === 'object keys must be unique' ? 'object insert conflict' : 'var assignment conflict';
}

/** A value as its JSON reading (what OPA's harness compares). */
function asJson(v: Value): Value {
  return parseJson(toJson(v));
}

function dropGenerated(v: Value): Value {
  if (!(v instanceof ObjectValue)) return v;
  const generated = (k: Value) => typeof k === 'string' && (k.startsWith('__local') || k.startsWith('$'));
  return ObjectValue.from([...v.entries()].filter(([k]) => !generated(k)));
}

function sortBindingArrays(v: Value): Value {
  if (!(v instanceof ObjectValue)) return v;
  return ObjectValue.from([...v.entries()].map(([k, x]) => [k, Array.isArray(x) ? [...x].sort(compare) : x]));
}

function show(got: CaseResult): string {
  return got.kind === 'error' ? `error ${got.code}: ${got.message}` : toRegoString([...got.resultSet]);
}
