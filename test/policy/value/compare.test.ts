/**
 * OPA's total order (v1/ast/term.go Compare) and structural equality.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compare,
  compareStrings,
  equal,
  numberFromLiteral,
  ObjectValue,
  SetValue,
  type Value,
} from '../../../policy/value/index.js';

const obj = (...pairs: [Value, Value][]) => ObjectValue.from(pairs);
const set = (...items: Value[]) => SetValue.from(items);

test('types order null < boolean < number < string < array < object < set', () => {
  const ordered: Value[] = [
    null,
    false,
    true,
    -1,
    0,
    2.5,
    numberFromLiteral('1e400'),
    '',
    'a',
    [],
    [1],
    obj(),
    set(),
  ];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      const want = Math.sign(i - j);
      assert.equal(Math.sign(compare(ordered[i] as Value, ordered[j] as Value)), want, `${i} vs ${j}`);
    }
  }
});

test('within a type', () => {
  const cases: { note: string; a: Value; b: Value; want: number }[] = [
    { note: 'arrays lexicographic', a: [1, 2], b: [1, 3], want: -1 },
    { note: 'shorter prefix first', a: [1], b: [1, 0], want: -1 },
    { note: 'objects by first sorted key', a: obj(['b', 1]), b: obj(['a', 9]), want: 1 },
    { note: 'objects by value at same key', a: obj(['a', 1]), b: obj(['a', 2]), want: -1 },
    { note: 'objects by size last', a: obj(['a', 1]), b: obj(['a', 1], ['b', 0]), want: -1 },
    { note: 'sets by sorted elements', a: set(3, 1), b: set(2), want: -1 },
    { note: 'sets equal regardless of order', a: set(3, 1), b: set(1, 3), want: 0 },
    { note: 'big vs double', a: numberFromLiteral('12345678901234567890'), b: 1e19, want: 1 },
    { note: 'strings by code point (not UTF-16)', a: '\uffff', b: '\u{1f600}', want: -1 },
  ];
  for (const c of cases) assert.equal(Math.sign(compare(c.a, c.b)), c.want, c.note);
});

test('compareStrings matches code-point order', () => {
  assert.equal(compareStrings('a', 'b'), -1);
  assert.equal(compareStrings('ab', 'a'), 1);
  assert.equal(compareStrings('\ue000', '\ud800\udc00'), -1);
});

test('equality is structural', () => {
  const cases: { note: string; a: Value; b: Value; want: boolean }[] = [
    { note: '1 == 1.0', a: 1, b: numberFromLiteral('1.0'), want: true },
    {
      note: 'big ints by value',
      a: numberFromLiteral('100000000000000000001'),
      b: numberFromLiteral('1.00000000000000000001e20'),
      want: true,
    },
    {
      note: 'objects with non-string keys',
      a: obj([[1], 'x'], [set(1), 2]),
      b: obj([set(1), 2], [[1], 'x']),
      want: true,
    },
    { note: 'object values differ', a: obj(['a', 1]), b: obj(['a', 2]), want: false },
    { note: 'array vs set', a: [1], b: set(1), want: false },
    { note: 'string vs number', a: '1', b: 1, want: false },
    { note: 'nested sets', a: set(set(1, 2)), b: set(set(2, 1)), want: true },
  ];
  for (const c of cases) assert.equal(equal(c.a, c.b), c.want, c.note);
});
