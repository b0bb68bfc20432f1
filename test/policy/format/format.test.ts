/**
 * @module Formatter tests: canonical output for a sample, comments kept, idempotence, and the
 * round-trip parse(fmt(x)) == parse(x) over every module of OPA's conformance suite.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { parseModule } from '../../../policy/ast/index.js';
import { astShape, formatSource } from '../../../policy/format/index.js';
import { suiteCases } from '../ast/suite.js';

describe('formatSource', () => {
  it('prints the canonical layout and keeps comments', () => {
    const src =
      'package  authz\nimport rego.v1\n# who may read\nallow   if {input.method=="GET" # reads\n  not  deny}\ndeny contains  msg if {msg:="x"}\n';
    const r = formatSource('a.rego', src);
    assert.ok(r.ok);
    assert.equal(
      r.formatted,
      'package authz\n\nimport rego.v1\n\n# who may read\nallow if {\n\tinput.method == "GET" # reads\n\tnot deny\n}\n\ndeny contains msg if msg := "x"\n',
    );
  });
  // Expected outputs follow opa fmt (v1/format/format.go): it never wraps at a width; it keeps the
  // author's line breaks in collections, calls, comprehensions, bodies and `with` chains.
  const layout: { note: string; src: string; want: string }[] = [
    {
      note: 'a collection written over several lines: one row group per line, trailing commas',
      src: 'package a\n\np := {"a": [1,\n  2, 3], "b": {"x": 1, "y": 2}}\n',
      // "b" starts on the second row, so the object too has two row groups.
      want: 'package a\n\np := {\n\t"a": [\n\t\t1,\n\t\t2, 3,\n\t],\n\t"b": {"x": 1, "y": 2},\n}\n',
    },
    {
      note: 'a first element below the bracket makes the collection multi-line',
      src: 'package a\n\np := [\n  1, 2]\n',
      want: 'package a\n\np := [\n\t1, 2,\n]\n',
    },
    {
      note: 'call arguments group by row; a break right after ( alone does not',
      src: 'package a\n\np if {\n  x := sprintf("%s",\n    [input.a])\n  y := concat(\n    ",", ["a"])\n}\n',
      want: 'package a\n\np if {\n\tx := sprintf(\n\t\t"%s",\n\t\t[input.a],\n\t)\n\ty := concat(",", ["a"])\n}\n',
    },
    {
      note: 'a comprehension body over several lines, one expression per line',
      src: 'package a\n\nr := [x |\n  x := input.xs[_]\n  x > 1]\nq := {x | some x in input.ys}\n',
      want: 'package a\n\nr := [x |\n\tx := input.xs[_]\n\tx > 1\n]\n\nq := {x | some x in input.ys}\n',
    },
    {
      note: 'one-line rules stay one line, adjacent ones grouped; blank lines in bodies kept',
      src: 'package a\n\np if { input.x }\nq := 1\n\nt if {\n  input.a\n\n  input.b\n}\nu if { every x in [1] { x > 0 } }\n',
      want: 'package a\n\np if input.x\nq := 1\n\nt if {\n\tinput.a\n\n\tinput.b\n}\n\nu if every x in [1] { x > 0 }\n',
    },
    {
      note: 'a set term keeps its braces; a with on its own line stays there',
      src: 'package a\n\np if { {1} }\n\nq if {\n  r\n    with input as 1\n}\n\nr if input\n',
      want: 'package a\n\np if {\n\t{1}\n}\n\nq if {\n\tr\n\t\twith input as 1\n}\n\nr if input\n',
    },
    {
      note: 'else stays after } when written so; an else opening its line moves below a blank line',
      src: 'package a\n\nf(x) := 1 if {\n  x > 0\n} else := 2\n\ng(x) := 1 if {\n  x > 0\n}\nelse := 2\n\nh(x) := 1 if x > 0 else := 2\n',
      want: 'package a\n\nf(x) := 1 if {\n\tx > 0\n} else := 2\n\ng(x) := 1 if {\n\tx > 0\n}\n\nelse := 2\n\nh(x) := 1 if x > 0\n\nelse := 2\n',
    },
    {
      note: 'own-line comments inside collections and bodies stay inside, closing-line comments stay put',
      src: 'package a\n\nallowed := {\n\t# admins\n\t"alice",\n\t# devs\n\t"bob",\n}\n\nf(x) := b if {\n\tc = [\n\t\t1, 2,\n\t\t# three\n\t\t3,\n\t] # on closing\n\tsplit(x, ".", b)\n\t# last\n} # after body\n\ng := [1 |\n\tx := input[_]\n\t# inner\n]\n',
      want: 'package a\n\nallowed := {\n\t# admins\n\t"alice",\n\t# devs\n\t"bob",\n}\n\nf(x) := b if {\n\tc = [\n\t\t1, 2,\n\t\t# three\n\t\t3,\n\t] # on closing\n\tsplit(x, ".", b)\n\t# last\n} # after body\n\ng := [1 |\n\tx := input[_]\n\t# inner\n]\n',
    },
    {
      note: 'Rego v1 heads print := and a keyword in brackets keeps them',
      src: 'package test["if"]\n\np = 1\n\nf(x) = y if y := x\nelse = 2\n',
      want: 'package test["if"]\n\np := 1\n\nf(x) := y if y := x\n\nelse := 2\n',
    },
    {
      note: 'a body that is just true prints as a constant',
      src: 'package a\n\na.b.c := "d" if true\n\np.q[2] if { true }\n\ns contains "x" if true\n',
      want: 'package a\n\na.b.c := "d"\n\np.q[2] := true\n\ns contains "x"\n',
    },
    {
      note: 'imports keep their groups, each sorted',
      src: 'package a\n\nimport rego.v1\n\nimport input.x\nimport data.b\nimport data.a as z\n\np := 1\n',
      want: 'package a\n\nimport rego.v1\n\nimport data.a as z\nimport data.b\nimport input.x\n\np := 1\n',
    },
    {
      note: 'comments on the rows of a multi-line collection stay with their elements',
      src: 'package a\n\np := [ # list\n  1, # one\n  2,\n]\n',
      want: 'package a\n\np := [ # list\n\t1, # one\n\t2,\n]\n',
    },
    {
      note: 'an object comprehension key written below the { moves up to it, the body onto its own lines',
      src: 'package a\n\np if {\n\tx := {\n\t\tk: ks[k] | k := input.ks[_]\n\t}\n\tx\n}\n\nq := {\n\n\tk: 1 | some k in input.ks\n}\n\nr := {k: 1 | some k in input.ks}\n',
      want: 'package a\n\np if {\n\tx := {k: ks[k] |\n\t\tk := input.ks[_]\n\t}\n\tx\n}\n\nq := {k: 1 |\n\tsome k in input.ks\n}\n\nr := {k: 1 | some k in input.ks}\n',
    },
    {
      note: 'a some declaration over several lines keeps its breaks, continuations one level deeper',
      src: 'package a\n\np if {\n\tsome a, b,\n\t   c # third\n\tsome d\n\ta = [b, c, d][_]\n}\n',
      want: 'package a\n\np if {\n\tsome a, b,\n\t\tc # third\n\tsome d\n\ta = [b, c, d][_]\n}\n',
    },
    {
      note: 'a comment on the closing line of a nested collection stays there',
      src: 'package a\n\np := {\n\t"a": [\n\t\t1,\n\t],  # note a\n\t"b": f([\n\t\t2,\n\t]), # note b\n\t"c": [\n\t\t[\n\t\t\t3,\n\t\t] # inner\n\t],\n}\n',
      want: 'package a\n\np := {\n\t"a": [\n\t\t1,\n\t], # note a\n\t"b": f([\n\t\t2,\n\t]), # note b\n\t"c": [\n\t\t[\n\t\t\t3,\n\t\t], # inner\n\t],\n}\n',
    },
  ];
  for (const c of layout) {
    it(`layout: ${c.note}`, () => {
      const r = formatSource('a.rego', c.src);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      assert.equal(r.formatted, c.want);
      const again = formatSource('a.rego', r.formatted);
      assert.ok(again.ok && again.formatted === c.want, 'idempotent');
      const before = parseModule('a.rego', c.src);
      const after = parseModule('a.rego', r.formatted);
      // opa fmt sorts imports within a group; compare them as a set.
      const shape = (m: typeof before.module) => {
        const s = astShape(m) as { imports: unknown[] };
        return { ...s, imports: s.imports.map((i) => JSON.stringify(i)).sort() };
      };
      assert.ok(isDeepStrictEqual(shape(before.module), shape(after.module)), 'same AST');
    });
  }

  it('parenthesises every infix operand that is itself an infix call, as opa fmt does', () => {
    const r = formatSource(
      'a.rego',
      'package a\n\np := (1 + 2) * 3 - (4 - 5)\nq := 1 + 2 + 3\nr := -x + 1\n',
    );
    assert.ok(r.ok);
    assert.match(r.formatted, /p := \(\(1 \+ 2\) \* 3\) - \(4 - 5\)/);
    assert.match(r.formatted, /q := \(1 \+ 2\) \+ 3/);
    assert.match(r.formatted, /r := -x \+ 1/);
  });
  it('reports parse errors instead of output', () => {
    const r = formatSource('a.rego', 'package a\n\np := [\n');
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.errors[0]?.code, 'rego_parse_error');
  });
  it('round-trips and is idempotent over every suite module', (t) => {
    const cases = suiteCases();
    if (!cases) {
      t.skip('../shared/opa-conformance is absent');
      return;
    }
    let n = 0;
    for (const c of cases) {
      for (const m of c.modules) {
        const before = parseModule('m.rego', m);
        if (!before.module) continue;
        const f = formatSource('m.rego', m);
        assert.ok(f.ok, c.note);
        const after = parseModule('m.rego', f.formatted);
        assert.ok(after.module, `${c.note}: ${JSON.stringify(after.errors[0])}`);
        assert.ok(
          isDeepStrictEqual(astShape(before.module), astShape(after.module)),
          `${c.note}: AST changed`,
        );
        const again = formatSource('m.rego', f.formatted);
        assert.ok(again.ok && again.formatted === f.formatted, `${c.note}: not idempotent`);
        n++;
      }
    }
    assert.ok(n > 2000, `only ${n} modules`);
  });
});
