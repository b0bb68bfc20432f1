/**
 * @module Tests for the SDK loader: host builtins from Palisade's registry (sets restored from their
 * declarations), missing builtins caught at load, strict builtin errors, error codes, Rego-text input,
 * and memory staying flat across many evaluations.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePlan, loadPolicyModule } from '../../../policy/wasm/index.js';
import { planRego, regoModule } from './rego-fixture.js';

describe('loadPolicyModule', () => {
  it('evaluates through the SDK with registry builtins on the host', async () => {
    const m = await regoModule(
      { 'a.rego': 'package a\nimport rego.v1\nenc := base64.encode(input.s)\nn := count(input.l)\n' },
      ['a/enc', 'a/n'],
    );
    assert.deepEqual(m.hostBuiltins, ['base64.encode']);
    assert.deepEqual(m.evaluate({ s: 'hi', l: [1, 2] }, 'a/enc'), [{ result: 'aGk=' }]);
    assert.deepEqual(m.evaluate({ s: 'hi', l: [1, 2] }, 1), [{ result: 2 }]);
    assert.deepEqual(m.entrypoints, { 'a/enc': 0, 'a/n': 1 });
  });

  it('hands declared set arguments to host builtins as sets and restores set results', async () => {
    const m = await regoModule(
      { 'a.rego': 'package a\nimport rego.v1\nr := graph.reachable(input.g, {"a"})\n' },
      ['a/r'],
    );
    assert.deepEqual(m.evaluate({ g: { a: ['b'], b: ['c'], c: [] } }, 'a/r'), [{ result: ['a', 'b', 'c'] }]);
  });

  it('fails at load, not at evaluation, when a host builtin is missing', async () => {
    const { wasm } = await compilePlan(
      planRego({ 'a.rego': 'package a\nimport rego.v1\nx := base64.encode("a")\n' }, ['a/x']),
    );
    await assert.rejects(
      loadPolicyModule(wasm, { builtins: { lookup: () => undefined } }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_POLICY_WASM_BUILTIN');
        assert.equal(
          err.message,
          'the policy module needs host builtins that are not available: base64.encode',
        );
        return true;
      },
    );
  });

  it('rejects bytes that are not a module', async () => {
    await assert.rejects(loadPolicyModule(new Uint8Array([0, 1, 2])), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_POLICY_WASM_LOAD');
      assert.match(err.message, /^cannot load the policy module: /);
      return true;
    });
  });

  const errors: {
    note: string;
    rego: string;
    input: unknown;
    strict?: boolean;
    message: RegExp;
    want?: unknown;
  }[] = [
    {
      note: 'a complete rule with two values is a conflict',
      rego: 'package a\nimport rego.v1\nx := 1 if input.a\nx := 2 if input.b\n',
      input: { a: true, b: true },
      // worded as OPA's Wasm runtime aborts: the statement's file:row:col, then the conflict
      message: /failed: a\.rego:4:11: var assignment conflict$/,
    },
    {
      note: 'a partial object with two values for a key is a conflict',
      rego: 'package a\nimport rego.v1\nx[k] := 1 if k := input.k\nx[k] := 2 if k := input.k\n',
      input: { k: 'a' },
      message: /failed: a\.rego:\d+:\d+: object insert conflict$/,
    },
    {
      note: 'minus of a number and a set: operand 2 must be a number (strict)',
      rego: 'package a\nimport rego.v1\nx := input.n - {1}\n',
      input: { n: 1 },
      strict: true,
      message: /eval_type_error: minus: operand 2 must be number but got set$/,
    },
    {
      note: 'a native type error is undefined outside strict mode',
      rego: 'package a\nimport rego.v1\nx := count(input.n)\n',
      input: { n: 1 },
      message: /./,
      want: [],
    },
    {
      note: 'a native type error aborts in strict mode',
      rego: 'package a\nimport rego.v1\nx := count(input.n)\n',
      input: { n: 1 },
      strict: true,
      message:
        /eval_type_error: count: operand 1 must be one of \{array, object, set, string\} but got number/,
    },
    {
      note: 'a native builtin error aborts in strict mode',
      rego: 'package a\nimport rego.v1\nx := input.a / input.b\n',
      input: { a: 1, b: 0 },
      strict: true,
      message: /eval_builtin_error: div: divide by zero/,
    },
    {
      note: 'a host builtin error is undefined outside strict mode',
      rego: 'package a\nimport rego.v1\nx := base64.decode(input.s)\n',
      input: { s: '%%%' },
      message: /./,
      want: [],
    },
  ];
  for (const c of errors) {
    it(c.note, async () => {
      const m = await regoModule({ 'a.rego': c.rego }, ['a/x'], { strict: c.strict });
      if (c.want !== undefined) {
        assert.deepEqual(m.evaluate(c.input, 'a/x'), c.want);
        return;
      }
      assert.throws(
        () => m.evaluate(c.input, 'a/x'),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'ERR_POLICY_WASM_EVAL');
          assert.match(err.message, /^evaluation of entrypoint a\/x failed: /);
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  it('takes Rego-term input text (sets and non-string keys survive)', async () => {
    const m = await regoModule(
      { 'a.rego': 'package a\nimport rego.v1\nx if input.s == {1, 2}\ny := input.o[1]\n' },
      ['a/x', 'a/y'],
    );
    assert.deepEqual(m.evaluateText('{"s": {2, 1}, "o": {1: "one"}}', 'a/x'), [{ result: true }]);
    assert.deepEqual(m.evaluateText('{"s": {2, 1}, "o": {1: "one"}}', 'a/y'), [{ result: 'one' }]);
    assert.deepEqual(m.evaluate({ s: [1, 2] }, 'a/x'), []);
  });

  it('keeps memory flat across many evaluations', async () => {
    const m = await regoModule(
      {
        'a.rego':
          'package a\nimport rego.v1\nallow if {\n\tsome r in data.roles[input.user]\n\tr == "admin"\n}\n',
      },
      ['a/allow'],
    );
    m.setData({ roles: { alice: ['admin'], bob: ['dev'] } });
    const input = { user: 'alice', pad: 'x'.repeat(2000) };
    for (let i = 0; i < 200; i++) m.evaluate(input, 'a/allow');
    const before = m.memoryBytes();
    for (let i = 0; i < 5000; i++) m.evaluate(i % 2 ? input : { user: 'bob' }, 'a/allow');
    assert.equal(m.memoryBytes(), before);
    assert.deepEqual(m.evaluate(input, 'a/allow'), [{ result: true }]);
    assert.deepEqual(m.evaluate({ user: 'bob' }, 'a/allow'), []);
  });
});
