/**
 * Lossless JSON in and out, plain-JS conversion, Rego-term rendering.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BigNum,
  fromJS,
  ObjectValue,
  parseJson,
  SetValue,
  toJS,
  toJson,
  toRegoString,
} from '../../../policy/value/index.js';

test('parseJson keeps big numbers exact and round-trips', () => {
  const text = '{"b":[1,2.5,-0.25e-3,true,null],"a":123456789012345678901234567890,"s":"x\\u00e9\\n"}';
  const v = parseJson(text);
  assert.ok(v instanceof ObjectValue);
  assert.ok(v.get('a') instanceof BigNum);
  assert.equal(v.get('s'), 'x\u00e9\n');
  assert.equal(toJson(v), '{"a":123456789012345678901234567890,"b":[1,2.5,-0.00025,true,null],"s":"xé\\n"}');
});

test('parseJson errors name line and column', () => {
  const cases: { note: string; text: string; message: string }[] = [
    { note: 'trailing comma', text: '[1,]', message: 'f.json:1:4: invalid JSON: unexpected character "]"' },
    {
      note: 'second line',
      text: '{\n "a" 1}',
      message: "f.json:2:6: invalid JSON: expected ':' after object key",
    },
    { note: 'unterminated', text: '"abc', message: 'f.json:1:5: invalid JSON: unterminated string' },
    {
      note: 'garbage after',
      text: '1 2',
      message: 'f.json:1:3: invalid JSON: unexpected data after the JSON value',
    },
    { note: 'empty', text: '', message: 'f.json:1:1: invalid JSON: unexpected end of input' },
    {
      note: 'leading zero',
      text: '01',
      message: 'f.json:1:2: invalid JSON: unexpected data after the JSON value',
    },
  ];
  for (const c of cases) {
    assert.throws(() => parseJson(c.text, 'f.json'), { code: 'ERR_POLICY_JSON', message: c.message }, c.note);
  }
});

test('toJson follows OPA: sets as sorted arrays, non-string keys as JSON text', () => {
  const v = ObjectValue.from([
    [1, SetValue.from(['b', 'a'])],
    ['k', []],
  ]);
  assert.equal(toJson(v), '{"1":["a","b"],"k":[]}');
  assert.equal(toJson(ObjectValue.fromRecord({ a: [1] }), 2), '{\n  "a": [\n    1\n  ]\n}');
});

test('fromJS / toJS', () => {
  const v = fromJS({ a: [1, 'x', null], s: new Set([2, 1]), n: 10n ** 30n });
  assert.equal(toRegoString(v), '{"a": [1, "x", null], "n": 1000000000000000000000000000000, "s": {1, 2}}');
  assert.deepEqual(toJS(v, 'string'), { a: [1, 'x', null], n: 1e30, s: [1, 2] });
  assert.deepEqual(toJS(fromJS(10n ** 30n + 1n), 'bigint'), 10n ** 30n + 1n);
  assert.equal(toJS(fromJS(10n ** 30n + 1n), 'string'), '1000000000000000000000000000001');
  assert.throws(() => fromJS({ a: [undefined] }), { message: '$.a[0]: a undefined is not a Rego value' });
  assert.throws(() => fromJS(Number.NaN), { message: '$: NaN is not a JSON number' });
});

test('toRegoString renders sets and empty sets as Rego does', () => {
  assert.equal(toRegoString(new SetValue()), 'set()');
  assert.equal(toRegoString(SetValue.from([[1], 'a'])), '{"a", [1]}');
  assert.equal(toRegoString(new ObjectValue()), '{}');
});
