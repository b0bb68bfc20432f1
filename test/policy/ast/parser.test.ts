/**
 * @module Parser tests: Rego v1 and v0 syntax, error positions and messages, several errors per file,
 * and no crash on mutated suite modules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModule, parseModuleToOpaJson, parseQuery } from '../../../policy/ast/index.js';
import { suiteCases } from './suite.js';

describe('parseModule', () => {
  const ok: {
    note: string;
    src: string;
    v0?: boolean;
    check: (m: NonNullable<ReturnType<typeof parseModule>['module']>) => void;
  }[] = [
    {
      note: 'v1 rule kinds',
      src: 'package a.b\n\ndefault allow := false\nallow if input.x == 1\nxs contains x if some x in input.xs\nobj[k] := v if { some k, v in input.o }\nf(x) := y if { y := x + 1 }\na.b.c := 1\n',
      check: (m) => {
        assert.equal(m.rules.length, 6);
        assert.equal(m.rules[0]!.isDefault, true);
        assert.equal(m.rules[2]!.head.key?.type, 'var');
        assert.equal(m.rules[4]!.head.args?.length, 1);
        assert.equal(m.rules[5]!.head.ref.terms.length, 3);
      },
    },
    {
      note: 'else chain',
      src: 'package a\n\np := 1 if { input.a } else := 2 if { input.b } else := 3\n',
      check: (m) => {
        assert.equal(m.rules[0]!.elseRule?.elseRule?.head.value?.type, 'number');
      },
    },
    {
      note: 'v0 partial set and bodies',
      v0: true,
      src: 'package a\n\np[x] { x := input.xs[_] }\nq { true }\n',
      check: (m) => {
        assert.equal(m.rules[0]!.head.key?.type, 'var');
        assert.equal(m.rules[1]!.hasBody, true);
      },
    },
    {
      // OPA's v0 rule: two terms and no `if` make a partial set whatever the key; otherwise single-valued.
      note: 'v0 heads: literal keys are set members; longer refs and `if` heads are single-valued',
      v0: true,
      src: 'package a\n\nimport future.keywords.if\n\ndeny["a"] { input.x }\nq.r[x] { x := 1 }\ns[x] if { x := 1 }\n',
      check: (m) => {
        assert.equal(m.rules[0]!.head.key?.type, 'string');
        assert.equal(m.rules[0]!.head.ref.terms.length, 1);
        for (const r of m.rules.slice(1)) {
          assert.equal(r.head.key, undefined);
          assert.equal(r.head.value?.type, 'boolean');
        }
      },
    },
    {
      note: "chained bodies: one rule per body, on one line or across lines, as OPA's parser reads them",
      v0: true,
      src: 'package a\n\np { input.a } { input.b }\n\nq {\n\tinput.a\n} {\n\tinput.b\n}\n',
      check: (m) => {
        assert.equal(m.rules.length, 4);
        assert.deepEqual(
          m.rules.map((r) => [r.head.ref.terms.length, r.hasBody, r.loc.row]),
          [
            [1, true, 3],
            [1, true, 3],
            [1, true, 5],
            [1, true, 7],
          ],
        );
      },
    },
    {
      // OPA's parser: `every x in xs` needs `in`, so importing future.keywords.every enables `in` too.
      note: 'v0: importing future.keywords.every also makes `in` a keyword',
      v0: true,
      src: 'package a\n\nimport future.keywords.every\n\np { every x in input.xs { x > 0 } }\nq { 1 in input.ys }\n',
      check: (m) => {
        assert.equal(m.rules[0]!.body[0]!.kind.type, 'every');
        const q = m.rules[1]!.body[0]!.kind;
        assert.ok(q.type === 'term' && q.term.type === 'call' && q.term.infix !== undefined);
      },
    },
    {
      note: 'keywords as ref heads, set(), template string, every',
      src: 'package a\n\nif.x := 1\np := $"v={input.v}" if { s := set(); every y in [1] { y > 0 } }\n',
      check: (m) => {
        assert.equal(m.rules[1]!.head.value?.type, 'template');
      },
    },
  ];
  for (const c of ok) {
    it(c.note, () => {
      const r = parseModule('a.rego', c.src, { v0Compatible: c.v0 ?? false });
      assert.deepEqual(r.errors, []);
      c.check(r.module!);
    });
  }

  const bad: {
    note: string;
    src: string;
    v0?: boolean;
    want: { row: number; col: number; msg: string }[];
  }[] = [
    {
      note: 'missing package',
      src: 'p := 1\n',
      want: [{ row: 1, col: 1, msg: 'expected package declaration' }],
    },
    {
      note: 'v1 requires if',
      src: 'package a\n\np { true }\n',
      want: [{ row: 3, col: 3, msg: '`if` keyword is required' }],
    },
    {
      note: 'several errors in one file',
      src: 'package a\n\np := [1, 2\nq := 1\nr := 2 +\ns if { ] }\n',
      want: [
        { row: 4, col: 1, msg: 'expected "]"' },
        { row: 6, col: 8, msg: 'unexpected token "]"' },
      ],
    },
    {
      note: 'bad escape',
      src: 'package a\n\np := "\\q"\n',
      want: [{ row: 3, col: 6, msg: 'illegal escape sequence' }],
    },
    {
      note: 'unterminated body',
      src: 'package a\n\np if {\n  true\n',
      want: [{ row: 3, col: 6, msg: 'body is not closed' }],
    },
    {
      note: 'default with body',
      src: 'package a\n\ndefault p := 1 if { true }\n',
      want: [{ row: 3, col: 16, msg: 'default rules cannot have a body' }],
    },
  ];
  for (const c of bad) {
    it(`error: ${c.note}`, () => {
      const r = parseModule('a.rego', c.src, { v0Compatible: c.v0 ?? false });
      assert.equal(r.module, undefined);
      assert.equal(r.errors.length, c.want.length, JSON.stringify(r.errors));
      for (const [i, w] of c.want.entries()) {
        const e = r.errors[i]!;
        assert.equal(e.code, 'rego_parse_error');
        assert.deepEqual(e.location, { file: 'a.rego', row: w.row, col: w.col });
        assert.match(e.message, new RegExp(w.msg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      }
    });
  }
});

describe('parseQuery', () => {
  it('parses a multi-expression query', () => {
    const r = parseQuery('data.x.p = y; y > 1\nnot input.z');
    assert.deepEqual(r.errors, []);
    assert.equal(r.body?.length, 3);
  });
  it('reports an empty query', () => {
    const r = parseQuery('  ');
    assert.equal(r.errors[0]?.code, 'rego_parse_error');
    assert.equal(r.errors[0]?.message, 'empty query');
  });
});

describe('parser never crashes', () => {
  it('on mutated suite modules (truncations and byte edits)', (t) => {
    const cases = suiteCases();
    if (!cases) {
      t.skip('../shared/opa-conformance is absent');
      return;
    }
    // Deterministic pseudo-random mutations, bounded to keep the test fast.
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const junk = [
      '{',
      '}',
      '[',
      ']',
      '(',
      ')',
      '"',
      '`',
      ':=',
      'if',
      'else',
      'every',
      'some',
      ',',
      '\n',
      '$"{',
      '|',
      '.',
      '#',
    ];
    let n = 0;
    for (const c of cases.slice(0, 600)) {
      for (const m of c.modules) {
        const variants = [m.slice(0, rnd(m.length + 1))];
        for (let k = 0; k < 3; k++) {
          const at = rnd(m.length + 1);
          variants.push(m.slice(0, at) + junk[rnd(junk.length)] + m.slice(at + rnd(4)));
        }
        for (const v of variants) {
          const r = parseModule('m.rego', v);
          assert.ok(r.module !== undefined || r.errors.length > 0);
          for (const e of r.errors)
            assert.doesNotMatch(e.message, /internal parser error/, `${c.note}: ${e.message}`);
          n++;
        }
      }
    }
    assert.ok(n > 1000);
  });
});

describe('parseModuleToOpaJson', () => {
  it("renders OPA's AST JSON for rego.parse_module", () => {
    const r = parseModuleToOpaJson('x.rego', 'package foo.bar\n\nimport data.a\n\np if { a = true }\n');
    assert.ok(r.ok);
    if (!r.ok) return;
    const json = r.json as {
      package: { path: { value: string }[] };
      imports: unknown[];
      rules: { head: { name: string } }[];
    };
    assert.equal(json.package.path[1]?.value, 'foo');
    assert.equal(json.imports.length, 1);
    assert.equal(json.rules[0]?.head.name, 'p');
  });
  it('reports parse errors as OPA words them', () => {
    const r = parseModuleToOpaJson('x.rego', 'package foo.');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.errors[0]!.message, /^unexpected eof token: expected ident/);
  });
});
