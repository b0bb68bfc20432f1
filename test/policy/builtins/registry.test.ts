/**
 * @module The registry's contract: OPA-style error prefixes and codes, foreign exceptions wrapped, the
 * per-evaluation context (fixed clock, cache), network refusal as a halt error, and every declared builtin
 * being implemented (or listed as compiler-only).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DECLS } from '../../../policy/builtins/decls.js';
import { allBuiltins, BuiltinError, builtinDecl, lookupBuiltin } from '../../../policy/builtins/index.js';
import type { SetValue } from '../../../policy/value/index.js';
import { call, context } from './harness.js';

/**
 * Declared for the type checker but never called at evaluation: the compiler replaces these calls with the
 * rule's METADATA (stage rewrite_metadata_calls). Nothing else may be declared without an implementation.
 */
const COMPILER_ONLY = new Set(['rego.metadata.chain', 'rego.metadata.rule']);

test('every declared builtin is implemented, except the compiler-only ones', () => {
  const missing = Object.keys(DECLS).filter((n) => lookupBuiltin(n) === undefined && !COMPILER_ONLY.has(n));
  assert.deepEqual(missing, [], 'declared but not implemented');
  for (const n of COMPILER_ONLY) {
    assert.ok(builtinDecl(n), `${n} keeps its declaration for the type checker`);
    // A stale entry (the builtin gained an implementation) would hide a missing one; keep the list exact.
    assert.equal(lookupBuiltin(n), undefined, `${n} is implemented: remove it from COMPILER_ONLY`);
  }
  assert.ok([...allBuiltins()].length > 150);
});

test('errors carry the builtin name and OPA code', () => {
  assert.throws(
    () => call('count', [1]),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.code === 'ERR_POLICY_BUILTIN' &&
      e.regoCode === 'eval_type_error' &&
      e.builtin === 'count' &&
      e.message === 'count: operand 1 must be one of {array, object, set, string} but got number' &&
      e.halt === false,
  );
});

test('network builtins are refused with a halt error unless the context allows them', () => {
  assert.throws(
    () => call('http.send', [{ method: 'GET', url: 'http://127.0.0.1:1/' }]),
    (e: unknown) =>
      e instanceof BuiltinError &&
      e.halt &&
      e.regoCode === 'eval_builtin_error' &&
      /^http\.send: network access is disabled/.test(e.message),
  );
  assert.ok(lookupBuiltin('http.send')?.network, 'http.send is flagged network');
  assert.ok(lookupBuiltin('http.send')?.nondeterministic, 'network implies nondeterministic');
  // IP literals need no lookup, so they work even without network access.
  assert.deepEqual([...(call('net.lookup_ip_addr', ['10.0.0.1']) as SetValue).items()], ['10.0.0.1']);
  assert.throws(() => call('net.lookup_ip_addr', ['localhost']), /network access is disabled/);
});

test('rand.intn is stable within one evaluation', () => {
  const ctx = context();
  const first = call('rand.intn', ['seed', 1000], ctx);
  for (let i = 0; i < 5; i++) assert.equal(call('rand.intn', ['seed', 1000], ctx), first);
  assert.equal(call('rand.intn', ['x', 0], ctx), 0);
});

test('rego.parse_module needs a parser from the front end', () => {
  assert.throws(() => call('rego.parse_module', ['a.rego', 'package a']), /no Rego parser was provided/);
  const parsed = call(
    'rego.parse_module',
    ['a.rego', 'package a'],
    context({ parseModule: (f, s) => `${f}:${s}` }),
  );
  assert.equal(parsed, 'a.rego:package a');
});
