/**
 * @module Tests for the values crossing between a Palisade-built module and the host: builtin arguments
 * and results keep sets, non-string keys and exact numbers (the SDK's JSON would lose them), the result set
 * reads back exactly, Palisade's builtins win over the SDK's own JavaScript ones, and strict host errors
 * are worded like the IR evaluator's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  equal,
  ObjectValue,
  parseRegoTerm,
  SetValue,
  toJson,
  toRegoString,
  type Value,
} from '../../../policy/value/index.js';
import { compilePlan, type LoadOptions, loadPolicyModule } from '../../../policy/wasm/index.js';
import { planRego } from './rego-fixture.js';

async function moduleOf(rego: string, options: LoadOptions = {}) {
  const { wasm } = await compilePlan(planRego({ 'a.rego': `package a\nimport rego.v1\n${rego}` }, ['a/x']));
  return loadPolicyModule(wasm, options);
}

/** `x`'s value as Rego text, read exactly (evaluateExact). */
async function exact(rego: string, input?: string): Promise<string> {
  const m = await moduleOf(rego);
  return m.evaluateExact(input, 'a/x').map(toRegoString).join(' | ');
}

describe('host builtin values', () => {
  const cases: { note: string; rego: string; input?: string; want: string }[] = [
    {
      note: 'a set passed where the declaration says any stays a set',
      rego: 'x := net.cidr_contains_matches({"1.1.1.0/24"}, {"1.1.1.1", "2.2.2.2"})\n',
      want: '{"result": {["1.1.1.0/24", "1.1.1.1"]}}',
    },
    {
      note: 'non-string object keys reach the host',
      rego: 'x := object.remove(input.o, [1])\n',
      input: '{"o": {1: "one", "1": "string one", 2: "two"}}',
      // OPA's order: numbers before strings
      want: '{"result": {2: "two", "1": "string one"}}',
    },
    {
      note: 'an integer beyond 2^53 goes in and comes back exactly',
      rego: 'x := bits.lsh(input.n, 1)\n',
      input: '{"n": 9223372036854775807}',
      want: '{"result": 18446744073709551614}',
    },
    {
      note: 'a big host result compares exactly inside the module',
      rego: 'x := units.parse_bytes("10Ei") == 11529215046068469760\n',
      want: '{"result": true}',
    },
    {
      note: 'a set result stays a set',
      rego: 'x := json.patch({"a": {"b"}}, [{"op": "add", "path": "/a/c", "value": "c"}])\n',
      want: '{"result": {"a": {"b", "c"}}}',
    },
  ];
  for (const c of cases) {
    it(c.note, async () => {
      assert.equal(await exact(c.rego, c.input), c.want);
    });
  }

  it("rego.parse_module runs the front end's parser, loaded only for modules that call it", async () => {
    assert.equal(
      await exact('x := rego.parse_module("p.rego", "package p.q").package.path[1].value\n'),
      '{"result": "p"}',
    );
  });

  it("gives the SDK's JSON reading through evaluate (sets as arrays)", async () => {
    const m = await moduleOf(
      'x := json.patch({"a": {"b"}}, [{"op": "add", "path": "/a/c", "value": "c"}])\n',
    );
    assert.deepEqual(m.evaluate(undefined, 'a/x'), [{ result: { a: ['b', 'c'] } }]);
  });
});

/** Deterministic pseudo-random Rego values (fixed-seed LCG): every kind, non-string keys, exact numbers. */
function* values(n: number): Generator<Value> {
  let seed = 7;
  const next = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  const scalars = [
    'null',
    'true',
    'false',
    '0',
    '-17',
    '3.25',
    '123456789012345678901234567890',
    '-9223372036854775809',
    '1.0000000000000000000001',
    '1e400',
    '""',
    '"a\\"b"',
    '"h\u00e9llo \ud83d\ude00"',
  ];
  const gen = (depth: number): Value => {
    const kind = depth > 2 ? 0 : next(4);
    if (kind === 0) return parseRegoTerm(scalars[next(scalars.length)]!);
    const items = Array.from({ length: next(4) }, () => gen(depth + 1));
    if (kind === 1) return items;
    if (kind === 2) return SetValue.from(items);
    return ObjectValue.from(items.map((v) => [gen(depth + 1), v]));
  };
  for (let i = 0; i < n; i++) yield gen(0);
}

describe('host builtin values (generated)', () => {
  it('a value given to a host builtin and returned unchanged reads back equal', async () => {
    const m = await moduleOf('x := json.patch(input.v, [])\n');
    let compared = 0;
    for (const v of values(300)) {
      const rs = m.evaluateExact(`{"v": ${toRegoString(v)}}`, 'a/x');
      const got = (rs[0] as ObjectValue | undefined)?.get('result');
      assert.ok(
        got !== undefined && equal(got, v),
        `${toRegoString(v)} came back as ${String(got && toRegoString(got))}`,
      );
      compared++;
    }
    assert.equal(compared, 300);
  });
});

describe("Palisade's builtins before the SDK's", () => {
  const cases: { note: string; rego: string; input?: string; want: string }[] = [
    {
      note: 'sprintf formats composite values as Go does',
      rego: 'x := sprintf("hi %v", [["there", 5, 3.14]])\n',
      want: '"hi [\\"there\\", 5, 3.14]"',
    },
    {
      note: 'sprintf keeps every digit of a big integer',
      rego: 'x := sprintf("%d", [123456789123456789123])\n',
      want: '"123456789123456789123"',
    },
    {
      note: 'yaml.is_valid of a non-string is false, not undefined',
      rego: 'x := yaml.is_valid(input.n)\n',
      input: '{"n": 1}',
      want: 'false',
    },
  ];
  for (const c of cases) {
    it(c.note, async () => {
      const rs = (await moduleOf(c.rego)).evaluateExact(c.input, 'a/x');
      assert.equal(rs.length, 1);
      assert.equal(toJson((rs[0] as { get(k: Value): Value }).get('result')), toJson(parseRegoTerm(c.want)));
    });
  }

  it("falls back to the SDK's builtin when the configured builtins lack it", async () => {
    const m = await moduleOf('x := sprintf("%s-%d", ["a", 1])\n', { builtins: { lookup: () => undefined } });
    assert.deepEqual(m.evaluate(undefined, 'a/x'), [{ result: 'a-1' }]);
  });
});

describe('host builtin errors', () => {
  it('strict: an error names the call site and code, as the IR evaluator does', async () => {
    const m = await moduleOf('x := base64.decode(input.s)\n', { strict: true });
    assert.throws(
      () => m.evaluateText('{"s": "%%%"}', 'a/x'),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_POLICY_WASM_EVAL');
        assert.match(
          err.message,
          /^evaluation of entrypoint a\/x failed: a\.rego:3: eval_builtin_error: base64\.decode: /,
        );
        return true;
      },
    );
  });

  it('strict: a type error keeps its code', async () => {
    const m = await moduleOf('x := units.parse_bytes(input.n)\n', { strict: true });
    assert.throws(
      () => m.evaluateText('{"n": 1}', 'a/x'),
      /failed: a\.rego:3: eval_type_error: units\.parse_bytes: operand 1 must be string but got number/,
    );
  });

  it('network builtins are refused unless the loader allows them', async () => {
    const m = await moduleOf('x := net.lookup_ip_addr("localhost")\n');
    assert.throws(() => m.evaluate(undefined, 'a/x'), /network access is disabled/);
  });
});
