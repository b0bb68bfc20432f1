/**
 * @module Planner tests: plans for queries and entrypoints have OPA's shape and evaluate (through the
 * IR evaluator) to OPA's results, including a representative slice of the conformance suite.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileModules, planEntrypoints, planQuery } from '../../../policy/compile/index.js';
import { evaluatePlan } from '../../../policy/eval/index.js';
import { parseJson, toJson } from '../../../policy/value/index.js';
import { suiteCases } from '../ast/suite.js';

function run(modules: string[], query: string, input?: string, data = '{}'): unknown {
  const c = compileModules(modules.map((text, i) => ({ path: `m${i}.rego`, text })));
  assert.ok(c.ok, JSON.stringify(!c.ok && c.errors));
  const p = planQuery(c.compiled, query);
  assert.ok(p.ok, JSON.stringify(!p.ok && p.errors));
  const rs = evaluatePlan(p.policy, { ...(input ? { input: parseJson(input) } : {}), data: parseJson(data) });
  return JSON.parse(toJson(rs as never));
}

const AUTHZ = `package authz

default allow := false

allow if {
	input.method == "GET"
	some role in data.roles[input.user]
	role in {"reader", "admin"}
}

deny contains msg if {
	not allow
	msg := sprintf("%s may not %s", [input.user, input.method])
}

f(x) := y if y := x * 2
else := 0

counts[k] := count(v) if some k, v in data.roles
`;

describe('planQuery', () => {
  const table: { note: string; query: string; input?: string; want: unknown }[] = [
    {
      note: 'complete rule with default (allowed)',
      query: 'data.authz.allow = x',
      input: '{"method":"GET","user":"bob"}',
      want: [{ x: true }],
    },
    {
      note: 'default applies',
      query: 'data.authz.allow = x',
      input: '{"method":"POST","user":"bob"}',
      want: [{ x: false }],
    },
    {
      note: 'partial set',
      query: 'data.authz.deny = x',
      input: '{"method":"POST","user":"bob"}',
      want: [{ x: ['bob may not POST'] }],
    },
    { note: 'function call', query: 'x := data.authz.f(21)', want: [{ x: 42 }] },
    { note: 'partial object', query: 'data.authz.counts = x', want: [{ x: { alice: 1, bob: 2 } }] },
    { note: 'iteration binds vars', query: 'data.roles[u][_] = "admin"', want: [{ u: 'bob' }] },
    {
      note: 'with input',
      query: 'x := data.authz.allow with input as {"method": "GET", "user": "alice"}',
      want: [{ x: false }],
    },
    {
      note: 'with on a rule',
      query:
        'x := data.authz.deny with data.authz.allow as false with input.user as "z" with input.method as "GET"',
      want: [{ x: ['z may not GET'] }],
    },
    {
      note: 'every',
      query: 'x := true; every r in data.roles.bob { startswith(r, "") }',
      want: [{ x: true }],
    },
    { note: 'undefined', query: 'data.authz.nope = x', want: [] },
  ];
  for (const c of table) {
    it(c.note, () => {
      assert.deepEqual(
        run([AUTHZ], c.query, c.input, '{"roles":{"alice":["guest"],"bob":["reader","admin"]}}'),
        c.want,
      );
    });
  }

  it('reports query errors with codes', () => {
    const c = compileModules([]);
    assert.ok(c.ok);
    const p = planQuery(c.compiled, 'x > 1');
    assert.equal(p.ok, false);
    if (!p.ok) {
      assert.equal(p.errors[0]?.code, 'rego_unsafe_var_error');
      assert.equal(p.errors[0]?.message, 'var x is unsafe');
    }
  });
});

describe('ref-head rules sharing a path', () => {
  const SHALLOW = `package t

p[q].r := v if {
	q := "q"
	v := {"s": {"t": 1}}
}
`;

  it("a deeper rule writing inside a shallower rule's value is a conflict, in either source order", () => {
    for (const deep of ['p.q.r.s.u := 42', 'p.q.r.s.t := 42']) {
      for (const text of [
        `${SHALLOW}\n${deep}\n`,
        `package t\n\n${deep}\n${SHALLOW.slice('package t\n'.length)}`,
      ]) {
        assert.throws(
          () => run([text], 'data.t.p = x'),
          (err: unknown) => (err as { regoCode?: string }).regoCode === 'eval_conflict_error',
          text,
        );
      }
    }
  });

  it('disjoint deep and shallow rules still merge', () => {
    const text = `${SHALLOW}\np.z.r.s := 42\n`;
    assert.deepEqual(run([text], 'data.t.p = x'), [
      { x: { q: { r: { s: { t: 1 } } }, z: { r: { s: 42 } } } },
    ]);
  });
});

describe('number keys into the base document', () => {
  const data = '{"top": {"2": "two"}, "arr": ["a", "b", "c"], "nested": {"m": {"7": "seven"}}}';
  const table: { note: string; module: string; want: unknown }[] = [
    {
      note: 'a number literal finds the object key spelled the same',
      module: 'p := data.top[2]',
      want: 'two',
    },
    { note: 'and still indexes an array', module: 'p := data.arr[2]', want: 'c' },
    { note: 'deeper in the path', module: 'p := data.nested.m[7]', want: 'seven' },
  ];
  for (const c of table) {
    it(c.note, () => {
      assert.deepEqual(run([`package t\n\n${c.module}\n`], 'x = data.t.p', undefined, data), [{ x: c.want }]);
    });
  }
  it('a computed object is not a storage path: its number key stays a number', () => {
    const module = 'package t\n\np := o[2] if o := data.top\n';
    assert.deepEqual(run([module], 'x = data.t.p', undefined, data), []);
  });
});

describe('planEntrypoints', () => {
  it('names plans by path and functions as OPA does', () => {
    const c = compileModules([{ path: 'a.rego', text: AUTHZ }]);
    assert.ok(c.ok);
    const policy = planEntrypoints(c.compiled, ['authz/allow']);
    assert.equal(policy.plans?.plans?.[0]?.name, 'authz/allow');
    const fn = policy.funcs?.funcs?.find((f) => f.name === 'g0.data.authz.allow');
    assert.deepEqual(fn?.path, ['g0', 'authz', 'allow']);
    assert.deepEqual(fn?.params, [0, 1]);
    const rs = evaluatePlan(policy, {
      input: parseJson('{"method":"GET","user":"bob"}'),
      data: parseJson('{"roles":{"bob":["admin"]}}'),
    });
    assert.deepEqual(JSON.parse(toJson(rs as never)), [{ result: true }]);
  });
});

describe('conformance slice through the front end', () => {
  it('compiles and plans every case of a representative slice without errors', (t) => {
    const cases = suiteCases();
    if (!cases) {
      t.skip('../shared/opa-conformance is absent');
      return;
    }
    const dirs = [
      'elsekeyword',
      'every',
      'partialsetdoc',
      'partialobjectdoc',
      'refheads',
      'comprehensions',
      'withkeyword',
      'functions',
      'virtualdocs',
    ];
    let n = 0;
    for (const c of cases) {
      if (!dirs.some((d) => c.note.startsWith(`${d}/`))) continue;
      const compiled = compileModules(c.modules.map((text, i) => ({ path: `module-${i}.rego`, text })));
      if (!compiled.ok) continue; // compile-error cases are judged by the conformance runner
      const p = planQuery(compiled.compiled, c.query);
      if (!p.ok && p.errors.some((e) => /internal/.test(e.message)))
        assert.fail(`${c.note}: ${p.errors[0]?.message}`);
      n++;
    }
    assert.ok(n > 150, `only ${n} cases`);
  });
});

describe('front end never crashes', () => {
  it('compiles and plans mutated suite modules without internal errors', (t) => {
    const cases = suiteCases();
    if (!cases) {
      t.skip('../shared/opa-conformance is absent');
      return;
    }
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const junk = [
      '{',
      '}',
      '[',
      ']',
      ':=',
      'if',
      'else',
      'every',
      'some',
      ',',
      '\n',
      '|',
      'not ',
      'x',
      '_',
      'with input as 1',
    ];
    let n = 0;
    for (const c of cases.filter((_, i) => i % 4 === 0)) {
      const mods = c.modules.map((m) => {
        const at = rnd(m.length + 1);
        return m.slice(0, at) + junk[rnd(junk.length)] + m.slice(at + rnd(3));
      });
      const r = compileModules(mods.map((text, i) => ({ path: `m${i}.rego`, text })));
      const errors = r.ok
        ? ((planQuery(r.compiled, c.query) as { errors?: { message: string }[] }).errors ?? [])
        : r.errors;
      for (const e of errors) assert.doesNotMatch(e.message, /internal/, c.note);
      n++;
    }
    assert.ok(n > 400);
  });
});
