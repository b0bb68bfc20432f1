/**
 * @module Object, set, array and type builtins, including OPA's operand errors.
 */
import { test } from 'node:test';
import { runTable } from './harness.js';

test('objects', () => {
  runTable('object.union', [
    {
      note: 'recursive merge, right wins',
      args: [
        { a: { b: 1, c: 2 }, d: 1 },
        { a: { b: 3 }, d: 2 },
      ],
      want: { a: { b: 3, c: 2 }, d: 2 },
    },
    {
      note: 'lhs type',
      args: [[1], {}],
      error: { code: 'eval_type_error', message: 'operand 1 must be object but got array' },
    },
  ]);
  runTable('object.union_n', [
    {
      note: 'non-object overwrites then object replaces',
      args: [[{ a: { b: 2 } }, { a: 4 }, { a: { c: 3 } }]],
      want: { a: { c: 3 } },
    },
  ]);
  runTable('object.remove', [
    { note: 'keys from array', args: [{ a: 1, b: 2 }, ['a']], want: { b: 2 } },
    { note: 'keys from object', args: [{ a: 1, b: 2 }, { b: 0 }], want: { a: 1 } },
    {
      note: 'bad keys',
      args: [{}, 'a'],
      error: {
        code: 'eval_type_error',
        message: 'operand 2 must be one of {object, set, array} but got string',
      },
    },
  ]);
  runTable('object.filter', [{ note: 'keep', args: [{ a: 1, b: 2 }, new Set(['a', 'x'])], want: { a: 1 } }]);
  runTable('object.get', [
    { note: 'key', args: [{ a: 1 }, 'a', 0], want: 1 },
    { note: 'default', args: [{ a: 1 }, 'b', 0], want: 0 },
    { note: 'path', args: [{ a: { b: [10, 20] } }, ['a', 'b', 1], 0], want: 20 },
    { note: 'empty path returns the object', args: [{ a: 1 }, [], 0], want: { a: 1 } },
    {
      note: 'not an object',
      args: ['x', 'a', 0],
      error: { code: 'eval_type_error', message: 'operand 1 must be object but got string' },
    },
  ]);
  runTable('object.keys', [{ note: 'set of keys', args: [{ a: 1, b: 2 }], want: new Set(['a', 'b']) }]);
  runTable('object.subset', [
    { note: 'nested object', args: [{ a: { b: 1, c: 2 }, d: 3 }, { a: { b: 1 } }], want: true },
    {
      note: 'arrays are contiguous runs',
      args: [
        [1, 2, 3, 4],
        [2, 3],
      ],
      want: true,
    },
    {
      note: 'not contiguous',
      args: [
        [1, 2, 3],
        [1, 3],
      ],
      want: false,
    },
    { note: 'set in array', args: [[1, 2, 3], new Set([3, 1])], want: true },
    {
      note: 'mismatched',
      args: [{}, [1]],
      error: {
        code: 'eval_type_error',
        message: 'both arguments object.subset must be of the same type or array and set',
      },
    },
  ]);
});

test('sets and arrays', () => {
  runTable('and', [{ note: 'intersection', args: [new Set([1, 2]), new Set([2, 3])], want: new Set([2]) }]);
  runTable('or', [{ note: 'union', args: [new Set([1]), new Set([2])], want: new Set([1, 2]) }]);
  runTable('intersection', [
    { note: 'of many', args: [new Set([new Set([1, 2]), new Set([2, 3])])], want: new Set([2]) },
    { note: 'empty', args: [new Set()], want: new Set() },
  ]);
  runTable('union', [
    { note: 'of many', args: [new Set([new Set([1]), new Set([2])])], want: new Set([1, 2]) },
    {
      note: 'member not a set',
      args: [new Set([1])],
      error: { code: 'eval_type_error', message: 'operand 1 must be set but got number' },
    },
  ]);
  runTable('array.concat', [{ note: 'concat', args: [[1], [2]], want: [1, 2] }]);
  runTable('array.slice', [
    { note: 'clamped', args: [[1, 2, 3], -1, 10], want: [1, 2, 3] },
    { note: 'start after stop', args: [[1, 2, 3], 2, 1], want: [] },
  ]);
  runTable('array.reverse', [{ note: 'reverse', args: [[1, 2, 3]], want: [3, 2, 1] }]);
  runTable('array.flatten', [{ note: 'one level', args: [[1, [2, [3]]]], want: [1, 2, [3]] }]);
});

test('types and casts', () => {
  runTable('type_name', [
    { note: 'set', args: [new Set()], want: 'set' },
    { note: 'null', args: [null], want: 'null' },
  ]);
  runTable('is_string', [{ note: 'false for numbers', args: [1], want: false }]);
  runTable('to_number', [
    { note: 'string', args: ['-42.0'], want: -42 },
    { note: 'bool', args: [true], want: 1 },
    { note: 'null', args: [null], want: 0 },
    { note: 'garbage', args: ['x'], error: { code: 'eval_builtin_error', message: 'invalid syntax' } },
    { note: 'inf is a type error', args: ['Inf'], error: { code: 'eval_type_error', message: 'operand 1' } },
  ]);
});
