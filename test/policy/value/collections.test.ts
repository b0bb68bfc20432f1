/**
 * Objects and sets: any key type, canonical keys, sorted iteration, copy-on-write clones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashKey, numberFromLiteral, ObjectValue, SetValue } from '../../../policy/value/index.js';

test('objects index any key type and iterate in sorted order', () => {
  const o = new ObjectValue();
  o.set('b', 1)
    .set(2, 'two')
    .set([1, 'x'], 'arr')
    .set('a', 0)
    .set(SetValue.from([1]), 's');
  assert.deepEqual(
    o.keys().map((k) => (k instanceof SetValue ? 'set' : k)),
    [2, 'a', 'b', [1, 'x'], 'set'],
  );
  assert.equal(o.get([1, 'x']), 'arr');
  assert.equal(o.get(numberFromLiteral('2.0')), 'two');
  assert.equal(o.get(SetValue.from([1])), 's');
  assert.equal(o.get('missing'), undefined);
  o.set('a', 5);
  assert.equal(o.size, 5);
  assert.equal(o.get('a'), 5);
  assert.equal(o.delete('a'), true);
  assert.equal(o.has('a'), false);
  assert.equal(o.get('b'), 1);
});

test('clones are independent', () => {
  const o = ObjectValue.fromRecord({ a: 1 });
  const c = o.clone().set('b', 2);
  assert.equal(o.size, 1);
  assert.equal(c.size, 2);
  const s = SetValue.from(['x']);
  const t = s.clone();
  t.add('y');
  assert.deepEqual([...s], ['x']);
  assert.deepEqual([...t], ['x', 'y']);
});

test('sets deduplicate by value and sort', () => {
  const s = SetValue.from([3, 1, numberFromLiteral('3.0'), 'a', [1], [1]]);
  assert.equal(s.size, 4);
  assert.deepEqual([...s], [1, 3, 'a', [1]]);
  assert.equal(s.add(1), false);
  assert.equal(s.has([1]), true);
  assert.equal(s.delete(3), true);
  assert.deepEqual(s.items(), [1, 'a', [1]]);
});

test('hash keys: primitives are themselves, composites never collide with strings', () => {
  assert.equal(hashKey('a'), 'a');
  assert.equal(hashKey(-0), 0);
  assert.notEqual(hashKey('\u0001s1:a'), hashKey(['a']));
  const o = new ObjectValue().set('\u0001[s1:a]', 1).set(['a'], 2);
  assert.equal(o.size, 2);
  assert.equal(o.get(['a']), 2);
});
