/**
 * @module Compiler tests: the stage table, OPA's error codes with positions (unsafe vars, recursion,
 * conflicts, undefined functions, arity, argument and unification types, redeclared vars), package
 * merging across files, and the
 * `check` command.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileModules, planQuery, STAGES } from '../../../policy/compile/index.js';
import { runCli } from '../../helpers/cli.js';

describe('compileModules', () => {
  it('runs a named stage table', () => {
    assert.deepEqual(
      STAGES.map((s) => s.id),
      [
        'parse',
        'resolve_refs',
        'rewrite_metadata_calls',
        'build_rule_tree',
        'check_calls',
        'check_safety',
        'check_recursion',
        'check_deprecated_builtins',
      ],
    );
  });

  it('merges a package across files and resolves imports', () => {
    const r = compileModules([
      { path: 'a.rego', text: 'package x\n\np := 1\n' },
      { path: 'b.rego', text: 'package x\n\nq := p + 1\n' },
      { path: 'c.rego', text: 'package y\n\nimport data.x\n\nr := x.q\n' },
    ]);
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual([...r.compiled.root.children.get('x')!.children.keys()], ['p', 'q']);
  });

  const bad: {
    note: string;
    files: Record<string, string>;
    code: string;
    msg: string;
    at?: [string, number, number];
  }[] = [
    {
      note: 'unsafe var in body',
      files: { 'a.rego': 'package a\n\np if {\n\tx > 1\n}\n' },
      code: 'rego_unsafe_var_error',
      msg: 'var x is unsafe',
      at: ['a.rego', 4, 2],
    },
    {
      note: 'unsafe var in head',
      files: { 'a.rego': 'package a\n\np := y if { true }\n' },
      code: 'rego_unsafe_var_error',
      msg: 'var y is unsafe',
      at: ['a.rego', 3, 1],
    },
    {
      note: 'recursion across rules',
      files: { 'a.rego': 'package a\n\np if q\nq if p\n' },
      code: 'rego_recursion_error',
      msg: 'rule data.a.p is recursive: data.a.p -> data.a.q -> data.a.p',
      at: ['a.rego', 3, 1],
    },
    {
      note: 'conflicting rule kinds',
      files: { 'a.rego': 'package a\n\np := 1\np contains 2\n' },
      code: 'rego_type_error',
      msg: 'conflicting rules data.a.p found',
    },
    {
      note: 'multiple defaults',
      files: { 'a.rego': 'package a\n\ndefault p := 1\ndefault p := 2\n' },
      code: 'rego_type_error',
      msg: 'multiple default rules data.a.p found',
      at: ['a.rego', 4, 1],
    },
    {
      note: 'undefined function',
      files: { 'a.rego': 'package a\n\np if nope(1)\n' },
      code: 'rego_type_error',
      msg: 'undefined function nope',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'builtin arity',
      files: { 'a.rego': 'package a\n\np if count(1, 2, 3)\n' },
      code: 'rego_type_error',
      msg: 'count: arity mismatch',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'builtin argument type (literal)',
      files: { 'a.rego': 'package a\n\np if count(1) > 0\n' },
      code: 'rego_type_error',
      msg: 'count: invalid argument(s)\n\thave: (number)\n\twant: (collection: any<string, array[any], object[any: any], set[any]>)',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'builtin argument type (nested builtin result)',
      files: { 'a.rego': 'package a\n\np if startswith(count([]), "x")\n' },
      code: 'rego_type_error',
      msg: 'startswith: invalid argument(s)',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'rule called as a function (OPA: undefined function)',
      files: { 'a.rego': 'package a\n\nq := 1\n\np if q(1)\n' },
      code: 'rego_type_error',
      msg: 'undefined function data.a.q',
      at: ['a.rego', 5, 6],
    },
    {
      note: 'undefined function under data',
      files: { 'a.rego': 'package a\n\np if data.foo.bar(1)\n' },
      code: 'rego_type_error',
      msg: 'undefined function data.foo.bar',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'user function arity',
      files: { 'a.rego': 'package a\n\nf(x) := x\n\np if f(1, 2, 3)\n' },
      code: 'rego_type_error',
      msg: 'function data.a.f has arity 1, got 3 arguments',
      at: ['a.rego', 5, 6],
    },
    {
      note: 'builtin arity lists the operand types',
      files: { 'a.rego': 'package a\n\np if startswith(input.x)\n' },
      code: 'rego_type_error',
      msg: 'startswith: arity mismatch\n\thave: (any)\n\twant: (search: string, base: string)',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'element types of a literal collection',
      files: { 'a.rego': 'package a\n\np := sum([1, "a"])\n' },
      code: 'rego_type_error',
      msg: 'sum: invalid argument(s)\n\thave: (array<number, string>)\n\twant: (collection: any<array[number], set[number]>)',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'the output operand against the declared result',
      files: { 'a.rego': 'package a\n\np if upper("a", 1)\n' },
      code: 'rego_type_error',
      msg: 'upper: invalid argument(s)\n\thave: (string, number)\n\twant: (x: string, y: string)',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'a variable declared with := from a typed term, through a ref',
      files: { 'a.rego': 'package a\n\np if {\n\tx := {"a": ["s"]}\n\tabs(x.a[0])\n}\n' },
      code: 'rego_type_error',
      msg: 'abs: invalid argument(s)\n\thave: (string)\n\twant: (x: number)',
      at: ['a.rego', 5, 2],
    },
    {
      note: 'a set of the wrong element type',
      files: { 'a.rego': 'package a\n\np if {\n\ts := {1, 2}\n\tconcat(",", s)\n}\n' },
      code: 'rego_type_error',
      msg: 'concat: invalid argument(s)\n\thave: (string, set[number])',
      at: ['a.rego', 5, 2],
    },
    {
      note: 'a ref to a rule whose value type is known, across packages',
      files: {
        'a.rego': 'package a\n\nlimit := 10\n\ndouble := limit * 2\n',
        'b.rego': 'package b\n\nimport data.a\n\np := upper(a.double)\n',
      },
      code: 'rego_type_error',
      msg: 'upper: invalid argument(s)\n\thave: (number)\n\twant: (x: string)',
      at: ['b.rego', 5, 6],
    },
    {
      note: "a multi-value rule is a set of its keys' type",
      files: { 'a.rego': 'package a\n\nroles contains "admin"\n\nroles contains "dev"\n\nn := sum(roles)\n' },
      code: 'rego_type_error',
      msg: 'sum: invalid argument(s)\n\thave: (set[string])',
      at: ['a.rego', 7, 6],
    },
    {
      note: 'unification of terms of different types',
      files: { 'a.rego': 'package a\n\np if {\n\tx := "a"\n\tx = 1\n}\n' },
      code: 'rego_type_error',
      msg: 'match error\n\tleft  : string\n\tright : number',
      at: ['a.rego', 5, 2],
    },
    {
      note: 'default rule value with a ref',
      files: { 'a.rego': 'package a\n\ndefault p := input.x\n' },
      code: 'rego_parse_error',
      msg: 'illegal default rule (value cannot contain ref)',
      at: ['a.rego', 3, 1],
    },
    {
      note: 'default rule value with a call',
      files: { 'a.rego': 'package a\n\ndefault p := [1, count([])]\n' },
      code: 'rego_parse_error',
      msg: 'illegal default rule (value cannot contain call)',
      at: ['a.rego', 3, 1],
    },
    {
      note: 'default function with a repeated argument',
      files: { 'a.rego': 'package a\n\ndefault f(x, x) := 1\n' },
      code: 'rego_parse_error',
      msg: 'illegal default rule (arguments cannot be repeated x)',
      at: ['a.rego', 3, 1],
    },
    {
      note: 'with on something that is not input, data or a function',
      files: { 'a.rego': 'package a\n\np if true with foo.bar as 1\n' },
      code: 'rego_type_error',
      msg: 'with keyword target must reference existing input, data, or a function',
      at: ['a.rego', 3, 16],
    },
    {
      note: 'with inside a rule value',
      files: { 'a.rego': 'package a\n\nq.r := 1\n\np if true with data.a.q.r.s as 1\n' },
      code: 'rego_compile_error',
      msg: 'with keyword cannot partially replace virtual document(s)',
      at: ['a.rego', 5, 16],
    },
    {
      note: 'with replacing the unifier',
      files: { 'a.rego': 'package a\n\np if true with eq as 1\n' },
      code: 'rego_compile_error',
      msg: 'with keyword replacing built-in function: replacement of "eq" invalid',
      at: ['a.rego', 3, 16],
    },
    {
      note: 'with replacing a void builtin',
      files: { 'a.rego': 'package a\n\np if true with print as 1\n' },
      code: 'rego_compile_error',
      msg: 'with keyword replacing built-in function: target must not be a void function',
      at: ['a.rego', 3, 16],
    },
    {
      note: "unsafe declared var keeps the author's name",
      files: { 'a.rego': 'package a\n\np if {\n\tsome x\n\tx\n}\n' },
      code: 'rego_unsafe_var_error',
      msg: 'var x is unsafe',
      at: ['a.rego', 5, 2],
    },
    {
      note: 'an assignment to input',
      files: { 'a.rego': 'package a\n\np if {\n\tinput := 1\n}\n' },
      code: 'rego_compile_error',
      msg: 'variables must not shadow input (use a different variable name)',
      at: ['a.rego', 4, 2],
    },
    {
      note: 'a rule named data',
      files: { 'a.rego': 'package a\n\ndata.x := 1\n' },
      code: 'rego_compile_error',
      msg: 'rules must not shadow data (use a different rule name)',
      at: ['a.rego', 3, 1],
    },
    {
      note: 'a function argument named input',
      files: { 'a.rego': 'package a\n\nf(x, input) := x\n' },
      code: 'rego_compile_error',
      msg: 'args must not shadow input (use a different variable name)',
      at: ['a.rego', 3, 6],
    },
    {
      note: 'var assigned twice',
      files: { 'a.rego': 'package a\n\np if {\n\tx := 1\n\tx := 2\n}\n' },
      code: 'rego_compile_error',
      msg: 'var x assigned above',
      at: ['a.rego', 5, 2],
    },
    {
      note: 'parse error positions survive compile',
      files: { 'a.rego': 'package a\n\np := [\n' },
      code: 'rego_parse_error',
      msg: 'unexpected end of file',
    },
  ];
  for (const c of bad) {
    it(`error: ${c.note}`, () => {
      const r = compileModules(Object.entries(c.files).map(([path, text]) => ({ path, text })));
      assert.equal(r.ok, false);
      if (r.ok) return;
      const e = r.errors.find((x) => x.message.includes(c.msg));
      assert.ok(e, `no "${c.msg}" in ${JSON.stringify(r.errors)}`);
      assert.equal(e.code, c.code);
      if (c.at) assert.deepEqual(e.location, { file: c.at[0], row: c.at[1], col: c.at[2] });
    });
  }

  it('v0 keeps its freedom to name arguments input unless the module imports rego.v1', () => {
    const src = (imp: string) => `package a\n\nimport ${imp}\n\nf(input) := 1 if { true }\n`;
    const futureOnly = compileModules([{ path: 'a.rego', text: src('future.keywords.if') }], {
      v0Compatible: true,
    });
    assert.equal(futureOnly.ok, true, JSON.stringify(futureOnly.ok ? [] : futureOnly.errors));
    const v1 = compileModules([{ path: 'a.rego', text: src('rego.v1') }], { v0Compatible: true });
    assert.equal(v1.ok, false);
    if (v1.ok) return;
    assert.match(v1.errors[0]?.message ?? '', /args must not shadow input/);
  });

  it('reports each unsafe declared var once, by its own name', () => {
    const r = compileModules([{ path: 'a.rego', text: 'package a\n\np := [x | x := y]\n' }]);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.errors.map((e) => e.message),
      ['var x is unsafe', 'var y is unsafe'],
    );
  });

  it('accepts with on input, data, functions and builtins, and constant defaults', () => {
    const text = [
      'package a',
      '',
      'default p := {"a": [1, {2}], "b": -1}',
      'default f(_, _) := set()',
      'q := 1',
      'g(x) := x',
      'r if true with input.x as 1 with data.a.q as 2 with count as g with time.now_ns as 1',
      '',
    ].join('\n');
    const r = compileModules([{ path: 'a.rego', text }]);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  });

  it('types a rule only when every definition is known, and not when a with replaces it', () => {
    const text = [
      'package a',
      '',
      'default lvl := 1',
      'lvl := "a" if input.x',
      'p := upper(lvl)',
      '',
      'cfg := input.cfg',
      'q := upper(cfg)',
      '',
      'limit := 10',
      'r if upper(limit) with data.a.limit as "x"',
      '',
    ].join('\n');
    const r = compileModules([{ path: 'a.rego', text }]);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  });

  it('carries the rule types to ad-hoc queries, typed once per compile (a rule typed through another too)', () => {
    const text = 'package a\n\nchain := limit\n\nlimit := 10\n\nname := input.name\n';
    const r = compileModules([{ path: 'a.rego', text }]);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    if (!r.ok) return;
    assert.deepEqual(r.compiled.ruleTypes.get('data.a.chain'), { type: 'number' });
    assert.equal(r.compiled.ruleTypes.has('data.a.name'), false);
    const q = planQuery(r.compiled, 'x := upper(data.a.chain)');
    assert.equal(q.ok, false);
    if (!q.ok) assert.match(q.errors[0]!.message, /^upper: invalid argument\(s\)\n\thave: \(number\)/);
    assert.ok(planQuery(r.compiled, 'x := upper(data.a.name)').ok);
  });

  it('accepts arguments whose type is only known at evaluation', () => {
    const r = compileModules([
      { path: 'a.rego', text: 'package a\n\np if count(input.x) > 0\nq := count({1, 2})\n' },
    ]);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  });

  it('infers no type from `=`, which may test a variable bound elsewhere, nor from iteration', () => {
    const text = [
      'package a',
      '',
      'p if {',
      '\tx := input.y',
      '\tupper(x)',
      '\tx = 1',
      '}',
      '',
      'q if {',
      '\tsome v in [1]',
      '\tupper(v)',
      '}',
      '',
      'r := json.marshal_with_options([1], {"pretty": true})',
      '',
      's := concat(",", [y | y := input[_]])',
      '',
    ].join('\n');
    const r = compileModules([{ path: 'a.rego', text }]);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  });

  it('rewrites rego.metadata.rule() to the rule annotations', () => {
    const r = compileModules([
      { path: 'a.rego', text: 'package a\n\n# METADATA\n# title: T\np := rego.metadata.rule()\n' },
    ]);
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    if (!r.ok) return;
    const rule = r.compiled.root.children.get('a')!.children.get('p')!.rules[0]!.rule;
    assert.equal(rule.head.value?.type, 'object');
  });

  it('strict mode reports unused imports and assignments', () => {
    const text =
      'package a\n\nimport data.b\nimport data.c\n\np if {\n\tx := 1\n\ty := 2\n\ty > 1\n\tc.q\n}\n';
    assert.ok(compileModules([{ path: 'a.rego', text }]).ok);
    const r = compileModules([{ path: 'a.rego', text }], { strict: true });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.message, e.location?.row, e.location?.col]),
      [
        ['rego_compile_error', 'import data.b unused', 3, 1],
        ['rego_compile_error', 'assigned var x unused', 7, 2],
      ],
    );
  });

  it('reorders bodies for safety', () => {
    const r = compileModules([
      { path: 'a.rego', text: 'package a\n\np if {\n\ty == 2\n\ty = x + 1\n\tx = 1\n}\n' },
    ]);
    assert.ok(r.ok);
  });
});

describe('palisade policy check', () => {
  it('exits 1 and prints positioned errors', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rego-check-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'ok.rego'), 'package ok\n\np := 1\n');
    writeFileSync(join(dir, 'bad.rego'), 'package bad\n\nq if {\n\tz > 1\n}\n');
    const r = await runCli(['policy', 'check', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /bad\.rego:4:2: rego_unsafe_var_error: var z is unsafe/);
    const j = await runCli(['--json', 'policy', 'check', join(dir, 'ok.rego')]);
    assert.equal(j.code, 0);
    assert.deepEqual(JSON.parse(j.stdout), { files: 1, errors: [] });
  });
  it('exits 2 on a missing path', async () => {
    const r = await runCli(['policy', 'check', '/nonexistent/rego']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ERR_POLICY_SOURCE_READ/);
  });
});
