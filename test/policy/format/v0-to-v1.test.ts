/**
 * @module `opa fmt --v0-v1` in formatSource: a Rego v0 module prints as Rego v1 with `import rego.v1`
 * (future.keywords imports dropped, rego.v1 placed where opa fmt places it), reads back to the same
 * rules, is a fixed point, and what v1 forbids comes back as errors instead of output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { parseModule } from '../../../policy/ast/index.js';
import { astShape, formatSource } from '../../../policy/format/index.js';

function convert(src: string): string {
  const r = formatSource('p.rego', src, { v0ToV1: true });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.formatted;
}

/** The rules of a module as read in Rego v0 (imports and the v1 flag left out). */
function rulesShape(src: string): unknown {
  const m = parseModule('p.rego', src, { v0Compatible: true }).module;
  assert.ok(m);
  return astShape(m.rules);
}

const V0 = `package test
import future.keywords.in
import data.lib

default allow = false

allow { input.x == 1 }

q.foo {
	input.x == 2
}

r[x] {
	x := input.xs[_]
}

s[k] = v {
	some k, v in input.m
}

f(x) = y {
	y := x + 1
} else = 0 {
	true
}

t = {"a": lib.b}
`;

const V1 = `package test

import data.lib
import rego.v1

default allow := false

allow if input.x == 1

q contains "foo" if {
	input.x == 2
}

r contains x if {
	x := input.xs[_]
}

s[k] := v if {
	some k, v in input.m
}

f(x) := y if {
	y := x + 1
} else := 0 if {
	true
}

t := {"a": lib.b}
`;

describe('formatSource with v0ToV1', () => {
  it('prints Rego v1 syntax with import rego.v1, future.keywords imports dropped', () => {
    assert.equal(convert(V0), V1);
  });

  it('reads back to the same rules, and converting the result again changes nothing', () => {
    assert.ok(isDeepStrictEqual(rulesShape(V0), rulesShape(V1)));
    assert.equal(convert(V1), V1);
    // The result is also plain Rego v1.
    assert.ok(formatSource('p.rego', V1).ok);
  });

  it('places import rego.v1 as opa fmt does', () => {
    // No imports: a group of its own.
    assert.equal(convert('package a\np { true }\n'), 'package a\n\nimport rego.v1\n\np := true\n');
    // An import on the next row joins it in one sorted group.
    assert.equal(
      convert('package a\nimport data.x\np { x }\n'),
      'package a\n\nimport data.x\nimport rego.v1\n\np if x\n',
    );
    // An existing rego.v1 import stays the only one.
    assert.equal(
      convert('package a\n\nimport rego.v1\n\np if { true }\n'),
      'package a\n\nimport rego.v1\n\np := true\n',
    );
  });

  it("reports what Rego v1 forbids instead of printing, with OPA's messages", () => {
    const r = formatSource(
      'p.rego',
      'package test\np {\n\tany([true, false])\n}\n\nq := all([true, false])\n',
      {
        v0ToV1: true,
      },
    );
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.message, e.location?.row, e.location?.col]),
      [
        ['rego_type_error', 'deprecated built-in function calls in expression: any', 3, 2],
        ['rego_type_error', 'deprecated built-in function calls in expression: all', 6, 6],
      ],
    );
    // Formatting as Rego v0 keeps them: v0 allows deprecated builtins.
    assert.ok(formatSource('p.rego', 'package test\np { any([true]) }\n', { v0Compatible: true }).ok);
  });

  it('reports v0 parse errors as such', () => {
    const r = formatSource('p.rego', 'package a\np {\n', { v0ToV1: true });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.errors[0]?.code, 'rego_parse_error');
  });
});
