/**
 * @module OPA's deprecated builtins in the three modes: Rego v0 accepts them as ordinary builtins (and the
 * IR evaluator and the Wasm host evaluate them); v0 with `--strict`, Rego v1 and v0 modules importing
 * `rego.v1` reject every call with `rego_type_error: deprecated built-in function calls in expression:
 * <name>` at the call (at the expression, `not` included, when the call is the whole expression).
 * Ad-hoc queries are rejected only in strict mode, as by OPA's query compiler.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  type CompileOptions,
  compileModules,
  planEntrypoints,
  planQuery,
  type RegoError,
} from '../../../policy/compile/index.js';
import { evaluatePlan } from '../../../policy/eval/index.js';
import { fromJS, toJS } from '../../../policy/value/index.js';
import { compilePlan, loadPolicyModule } from '../../../policy/wasm/index.js';
import { runCli } from '../../helpers/cli.js';

/** The issue's reproduction: a conftest-style v0 rule. */
const ISSUE = 'package x\nviolation[msg] { re_match("^a", input.x); msg := "m" }\n';

/** Every deprecated builtin, one per line, in v0 syntax. */
const V0_ALL = `package d

p {
	re_match("^a", input.s)
	not any([false])
	x := cast_string(input.s)
	all([x == "abc"])
	net.cidr_overlap("10.0.0.0/8", "10.1.2.3")
}

arr := cast_array({3, 1})
st := cast_set([1, 1])
diff := set_diff({1, 2}, {2})
b := cast_boolean(true)
n := cast_null(null)
o := cast_object({"k": 1})
`;

function errorsOf(text: string, opts: CompileOptions): RegoError[] {
  const r = compileModules([{ path: 'd.rego', text }], opts);
  return r.ok ? [] : r.errors;
}

const at = (row: number, col: number, name: string): RegoError => ({
  code: 'rego_type_error',
  message: `deprecated built-in function calls in expression: ${name}`,
  location: { file: 'd.rego', row, col },
});

/** Where each call of V0_ALL is reported: the expression for whole-expression calls, else the call. */
const V0_ALL_ERRORS = [
  at(4, 2, 're_match'),
  at(5, 2, 'any'),
  at(6, 7, 'cast_string'),
  at(7, 2, 'all'),
  at(8, 2, 'net.cidr_overlap'),
  at(11, 8, 'cast_array'),
  at(12, 7, 'cast_set'),
  at(13, 9, 'set_diff'),
  at(14, 6, 'cast_boolean'),
  at(15, 6, 'cast_null'),
  at(16, 6, 'cast_object'),
];

describe('deprecated builtins', () => {
  it('are ordinary builtins in Rego v0, evaluated by the IR evaluator', () => {
    const r = compileModules([{ path: 'd.rego', text: V0_ALL }], { v0Compatible: true });
    assert.ok(r.ok, r.ok ? '' : r.errors.map((e) => e.message).join('\n'));
    const plan = planEntrypoints(r.compiled, ['d']);
    const rs = evaluatePlan(plan, { plan: 'd', input: fromJS({ s: 'abc' }) });
    assert.deepEqual((toJS(rs) as { result: unknown }[])[0]?.result, {
      p: true,
      arr: [1, 3],
      st: [1],
      diff: [1],
      b: true,
      n: null,
      o: { k: 1 },
    });
    // A failed match leaves the rule undefined, as regex.match would.
    const miss = evaluatePlan(plan, { plan: 'd', input: fromJS({ s: 'xyz' }) });
    const [missed] = toJS(miss) as { result: Record<string, unknown> }[];
    assert.ok(missed && !('p' in missed.result), 'p is undefined when re_match fails');
  });

  it('are host builtins of the Wasm module in Rego v0', async () => {
    const r = compileModules([{ path: 'x.rego', text: ISSUE }], { v0Compatible: true });
    assert.ok(r.ok);
    const plan = planEntrypoints(r.compiled, ['x/violation']);
    const m = await loadPolicyModule((await compilePlan(plan)).wasm);
    assert.deepEqual(m.evaluate({ x: 'abc' }, 'x/violation'), [{ result: ['m'] }]);
    assert.deepEqual(m.evaluate({ x: 'zzz' }, 'x/violation'), [{ result: [] }]);
  });

  it('are rejected in v0 strict mode, each at its position', () => {
    assert.deepEqual(errorsOf(V0_ALL, { v0Compatible: true, strict: true }), V0_ALL_ERRORS);
  });

  it('are rejected in Rego v1 and in v0 modules that import rego.v1', () => {
    const v1 = 'package d\n\np if {\n\tre_match("^a", input.s)\n}\n\nq := any([true])\n';
    assert.deepEqual(errorsOf(v1, {}), [at(4, 2, 're_match'), at(7, 6, 'any')]);
    const v0WithImport = V0_ALL.replace('package d\n', 'package d\nimport rego.v1\n').replace(
      'p {',
      'p if {',
    );
    assert.deepEqual(
      errorsOf(v0WithImport, { v0Compatible: true }),
      V0_ALL_ERRORS.map((e) => ({ ...e, location: { ...e.location!, row: e.location!.row + 1 } })),
    );
  });

  it('are found in comprehensions, every bodies, with values, else branches and function heads', () => {
    const text = [
      'package d',
      '',
      'p := [x | x := cast_string(input.a); any([true])]',
      'q if every y in [1] { all([y == 1]) }',
      'r if { input.a == 1 with input as cast_object({}) }',
      's := 1 if { false } else := set_diff({1}, {1})',
      'f(x) := net.cidr_overlap(x, "10.0.0.1")',
      '',
    ].join('\n');
    assert.deepEqual(errorsOf(text, {}), [
      at(3, 16, 'cast_string'),
      at(3, 38, 'any'),
      at(4, 23, 'all'),
      at(5, 35, 'cast_object'),
      at(6, 29, 'set_diff'),
      at(7, 9, 'net.cidr_overlap'),
    ]);
  });

  it('do not hide a package function of the same name', () => {
    const text = 'package d\n\nany(xs) := count(xs) > 0\n\np if any([1])\n';
    assert.deepEqual(errorsOf(text, {}), []);
  });

  it('are rejected in ad-hoc queries only in strict mode', () => {
    const text = 'package d\n\nq := 1\n';
    const v1 = compileModules([{ path: 'd.rego', text }]);
    assert.ok(v1.ok);
    const ok = planQuery(v1.compiled, 'x := re_match("^a", "abc")');
    assert.ok(ok.ok);
    const rs = evaluatePlan(ok.policy, { plan: 'eval' });
    assert.deepEqual(toJS(rs), [{ x: true }]);
    const strict = compileModules([{ path: 'd.rego', text }], { strict: true });
    assert.ok(strict.ok);
    const refused = planQuery(strict.compiled, 'x := re_match("^a", "abc")');
    assert.deepEqual(refused.ok ? [] : refused.errors.map((e) => [e.code, e.message, e.location?.col]), [
      ['rego_type_error', 'deprecated built-in function calls in expression: re_match', 6],
    ]);
  });

  it('policy check: the issue reproduction passes in v0 and fails with --strict or as v1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-deprecated-'));
    try {
      const file = join(dir, 'a.rego');
      writeFileSync(file, ISSUE);
      const v0 = await runCli(['policy', 'check', '--v0-compatible', file]);
      assert.equal(v0.code, 0, v0.stdout + v0.stderr);
      const strict = await runCli(['policy', 'check', '--v0-compatible', '--strict', file]);
      assert.equal(strict.code, 1);
      assert.match(
        strict.stdout,
        /a\.rego:2:18: rego_type_error: deprecated built-in function calls in expression: re_match/,
      );
      writeFileSync(file, 'package x\n\nviolation contains msg if { re_match("^a", input.x); msg := "m" }\n');
      const v1 = await runCli(['policy', 'check', file]);
      assert.equal(v1.code, 1);
      assert.match(
        v1.stdout,
        /a\.rego:3:29: rego_type_error: deprecated built-in function calls in expression: re_match/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
