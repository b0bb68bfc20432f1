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
      'package authz\n\nimport rego.v1\n\n# who may read\nallow if {\n\tinput.method == "GET" # reads\n\tnot deny\n}\n\ndeny contains msg if {\n\tmsg := "x"\n}\n',
    );
  });
  it('keeps operator precedence with parentheses', () => {
    const r = formatSource('a.rego', 'package a\n\np := (1 + 2) * 3 - (4 - 5)\n');
    assert.ok(r.ok);
    assert.match(r.formatted, /p := \(1 \+ 2\) \* 3 - \(4 - 5\)/);
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
