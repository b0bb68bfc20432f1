/**
 * @module Aggregates and membership: count in runes, exact sums, min/max over OPA's order, `in`.
 */
import { test } from 'node:test';
import { numberFromLiteral } from '../../../policy/value/index.js';
import { runTable } from './harness.js';

test('count', () => {
  runTable('count', [
    { note: 'string counts code points', args: ['héllo😀'], want: 6 },
    { note: 'array', args: [[1, 2]], want: 2 },
    { note: 'object', args: [{ a: 1 }], want: 1 },
    { note: 'set', args: [new Set([1, 2, 3])], want: 3 },
    {
      note: 'number',
      args: [1],
      error: {
        code: 'eval_type_error',
        message: 'operand 1 must be one of {array, object, set, string} but got number',
      },
    },
    { note: 'null', args: [null], error: { code: 'eval_type_error', message: 'but got null' } },
  ]);
});

test('sum, product, max, min, sort', () => {
  runTable('sum', [
    { note: 'ints', args: [[1, 2, 3]], want: 6 },
    { note: 'set', args: [new Set([1, 2])], want: 3 },
    { note: 'decimals exact', args: [[0.1, 0.2]], want: 0.3 },
    {
      note: 'big',
      args: [[numberFromLiteral('9007199254740993'), 1]],
      want: numberFromLiteral('9007199254740994'),
    },
    {
      note: 'non number element',
      args: [[1, 'a']],
      error: {
        code: 'eval_type_error',
        message: 'operand 1 must be array of numbers but got array containing string',
      },
    },
  ]);
  runTable('product', [
    { note: 'ints', args: [[2, 3, 4]], want: 24 },
    { note: 'empty', args: [[]], want: 1 },
  ]);
  runTable('max', [
    { note: 'numbers', args: [[1, 9, 3]], want: 9 },
    { note: 'mixed types by OPA order', args: [[1, 'a', null]], want: 'a' },
    { note: 'empty is undefined', args: [[]], want: undefined },
  ]);
  runTable('min', [
    { note: 'numbers', args: [[4, -1, 3]], want: -1 },
    { note: 'set', args: [new Set(['b', 'a'])], want: 'a' },
  ]);
  runTable('sort', [{ note: 'array', args: [[3, 1, 'a', null]], want: [null, 1, 3, 'a'] }]);
});

test('membership (in)', () => {
  runTable('internal.member_2', [
    { note: 'set', args: [1, new Set([1])], want: true },
    { note: 'array', args: [2, [1, 2]], want: true },
    { note: 'object values', args: ['v', { k: 'v' }], want: true },
    { note: 'object keys are not members', args: ['k', { k: 'v' }], want: false },
    { note: 'scalar collection', args: [1, 1], want: false },
  ]);
  runTable('internal.member_3', [
    { note: 'array index and value', args: [1, 'b', ['a', 'b']], want: true },
    { note: 'object key and value', args: ['k', 'v', { k: 'v' }], want: true },
    { note: 'set needs key == value', args: [1, 1, new Set([1])], want: true },
    { note: 'set with different value', args: [1, 2, new Set([1])], want: false },
  ]);
});
