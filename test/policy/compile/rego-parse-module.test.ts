/**
 * @module `rego.parse_module` through the front end's parser: OPA's AST JSON as a value (numbers exact),
 * OPA's error text as an eval_builtin_error in strict mode, undefined otherwise; and `policy eval` wires it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileModules, planQuery, regoParseModule } from '../../../policy/compile/index.js';
import { evaluatePlan } from '../../../policy/eval/index.js';
import { ObjectValue, toJson, type Value } from '../../../policy/value/index.js';
import { runCli } from '../../helpers/cli.js';

const POLICY = `package t

ast := rego.parse_module("x.rego", input.src)
`;

function evaluate(src: string, strict: boolean): unknown {
  const c = compileModules([{ path: 't.rego', text: POLICY }]);
  assert.ok(c.ok, JSON.stringify(!c.ok && c.errors));
  const p = planQuery(c.compiled, 'x = data.t.ast');
  assert.ok(p.ok);
  const rs = evaluatePlan(p.policy, {
    input: ObjectValue.fromRecord({ src }),
    strictBuiltinErrors: strict,
    parseModule: regoParseModule(),
  });
  return JSON.parse(toJson(rs as never));
}

describe('regoParseModule', () => {
  it("returns OPA's AST JSON: package path, imports, rules with terms as {type, value}", () => {
    const parse = regoParseModule();
    const v = parse('x.rego', 'package foo.bar\n\nimport data.a\n\np if { a = true }\n');
    assert.deepEqual(JSON.parse(toJson(v)), {
      package: {
        path: [
          { type: 'var', value: 'data' },
          { type: 'string', value: 'foo' },
          { type: 'string', value: 'bar' },
        ],
      },
      imports: [
        {
          path: {
            type: 'ref',
            value: [
              { type: 'var', value: 'data' },
              { type: 'string', value: 'a' },
            ],
          },
        },
      ],
      rules: [
        {
          body: [
            {
              index: 0,
              terms: [
                { type: 'ref', value: [{ type: 'var', value: 'eq' }] },
                { type: 'var', value: 'a' },
                { type: 'boolean', value: true },
              ],
            },
          ],
          head: { name: 'p', ref: [{ type: 'var', value: 'p' }], value: { type: 'boolean', value: true } },
        },
      ],
    });
  });

  it('keeps every digit of number literals', () => {
    const v = regoParseModule()('x.rego', 'package n\n\nbig := 123456789012345678901234567890.5\n');
    const rules = (v as ObjectValue).get('rules') as Value[];
    const head = (rules[0] as ObjectValue).get('head') as ObjectValue;
    assert.equal(
      toJson((head.get('value') as ObjectValue).get('value')!),
      '123456789012345678901234567890.5',
    );
  });

  it("a parse error is an eval_builtin_error with OPA's text in strict mode, undefined otherwise", () => {
    assert.throws(
      () => evaluate('package foo.', true),
      (err: { regoCode?: string; message?: string }) =>
        err.regoCode === 'eval_builtin_error' &&
        /rego\.parse_module: 1 error occurred: x\.rego:1: rego_parse_error: unexpected eof token: expected ident/.test(
          err.message ?? '',
        ),
    );
    assert.deepEqual(evaluate('package foo.', false), []);
  });

  it('works in a policy evaluation', () => {
    const rs = evaluate('package a.b\n', true) as { x: { package: { path: { value: string }[] } } }[];
    assert.deepEqual(
      rs[0]?.x.package.path.map((t) => t.value),
      ['data', 'a', 'b'],
    );
  });
});

describe('palisade policy eval', () => {
  it('evaluates rego.parse_module', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rego-parse-module-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'p.rego'),
      'package t\n\npkg := rego.parse_module("m.rego", "package q.r").package.path[2].value\n',
    );
    const r = await runCli(['policy', 'eval', '-d', dir, 'data.t.pkg']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).result[0].expressions[0].value, 'r');
  });
});
