/**
 * @module What a Rego v0 module does that Rego v1 forbids (OPA's CheckRegoV1 as `opa fmt --v0-v1` runs
 * it): shadowing imports, rules/arguments/`:=` variables named input or data (in nested comprehensions,
 * `every` bodies and else branches too), deprecated builtin calls and keyword rule names, each at its
 * position and sorted; a module v1 allows has none.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModule } from '../../../policy/ast/index.js';
import { regoV1Violations } from '../../../policy/compile/index.js';

function violations(text: string): string[] {
  const r = parseModule('p.rego', text, { v0Compatible: true });
  assert.ok(r.module, JSON.stringify(r.errors));
  return regoV1Violations(r.module).map(
    (e) => `${e.location?.row}:${e.location?.col}: ${e.code}: ${e.message}`,
  );
}

describe('regoV1Violations', () => {
  it('accepts a v0 module that v1 allows once its keywords are added', () => {
    assert.deepEqual(
      violations('package p\n\nimport data.a\n\nallow { a.x }\n\ns[x] { x := input.y }\n'),
      [],
    );
  });

  it('reports an import shadowing an earlier one, naming the earlier one as OPA does', () => {
    assert.deepEqual(violations('package test\nimport data.foo\nimport data.bar as foo\n'), [
      '3:1: rego_compile_error: import must not shadow import data.foo',
    ]);
  });

  it('reports rules, arguments and := variables named input or data, nested ones included', () => {
    const text = `package test
import future.keywords.every
input {
	1 == 1
}

f(data) = 1 { true }

p {
	data := 2
}

q = [x | x := [y | input := 1; y := input]]

r {
	every z in [1] { data := z }
} else = false {
	input := 3
}
`;
    assert.deepEqual(violations(text), [
      '3:1: rego_compile_error: rules must not shadow input (use a different rule name)',
      '7:3: rego_compile_error: args must not shadow data (use a different variable name)',
      '10:2: rego_compile_error: variables must not shadow data (use a different variable name)',
      '13:20: rego_compile_error: variables must not shadow input (use a different variable name)',
      '16:19: rego_compile_error: variables must not shadow data (use a different variable name)',
      '18:2: rego_compile_error: variables must not shadow input (use a different variable name)',
    ]);
  });

  it('reports deprecated builtins: at the expression for a whole-expression call, else at the call', () => {
    assert.deepEqual(
      violations(
        'package test\np {\n\tany([true, false])\n}\n\nq := all([true, false])\n\nr[re_match("a", input.s)]\n',
      ),
      [
        '3:2: rego_type_error: deprecated built-in function calls in expression: any',
        '6:6: rego_type_error: deprecated built-in function calls in expression: all',
        '8:3: rego_type_error: deprecated built-in function calls in expression: re_match',
      ],
    );
  });

  it('reports a rule named after a Rego v1 keyword', () => {
    assert.deepEqual(violations('package t\ncontains[x] { x := 1 }\n'), [
      '2:1: rego_parse_error: contains keyword cannot be used for rule name',
    ]);
  });
});
