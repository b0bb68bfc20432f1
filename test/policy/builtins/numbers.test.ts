/**
 * @module Arithmetic builtins: exact integers of any size, decimals, OPA's errors (divide by zero, modulo on
 * floats), rounding half away from zero, ranges.
 */
import { test } from 'node:test';
import { numberFromLiteral } from '../../../policy/value/index.js';
import { runTable } from './harness.js';

const big = (s: string) => numberFromLiteral(s);

test('plus/minus/mul keep exact values', () => {
  runTable('plus', [
    { note: 'small ints', args: [1, 2], want: 3 },
    { note: 'decimals are exact', args: [0.1, 0.2], want: 0.3 },
    { note: 'beyond 2^53', args: [big('9007199254740993'), 1], want: big('9007199254740994') },
    {
      note: 'type error',
      args: ['1', 2],
      error: { code: 'eval_type_error', message: 'operand 1 must be number but got string' },
    },
  ]);
  runTable('minus', [
    { note: 'numbers', args: [5, 7], want: -2 },
    { note: 'set difference', args: [new Set([1, 2, 3]), new Set([2])], want: new Set([1, 3]) },
    {
      note: 'mixed',
      args: [new Set([1]), 1],
      error: { code: 'eval_type_error', message: 'operand 2 must be set but got number' },
    },
    {
      note: 'bad lhs',
      args: ['a', 1],
      error: { code: 'eval_type_error', message: 'operand 1 must be one of {number, set} but got string' },
    },
  ]);
  runTable('mul', [
    { note: 'big product', args: [big('123456789123456789'), 1000], want: big('123456789123456789000') },
    { note: 'decimal', args: [1.5, 3], want: 4.5 },
  ]);
});

test('div and rem follow OPA', () => {
  runTable('div', [
    { note: 'exact int', args: [6, 3], want: 2 },
    { note: 'fraction', args: [1, 4], want: 0.25 },
    { note: 'repeating, 20 significant digits', args: [1, 3], want: big('0.33333333333333333333') },
    { note: 'by zero', args: [1, 0], error: { code: 'eval_builtin_error', message: 'divide by zero' } },
    { note: 'by 0.0', args: [1, 0.0], error: { code: 'eval_builtin_error', message: 'divide by zero' } },
  ]);
  runTable('rem', [
    { note: 'truncates toward zero', args: [-7, 3], want: -1 },
    { note: 'by zero', args: [1, 0], error: { code: 'eval_builtin_error', message: 'modulo by zero' } },
    {
      note: 'float',
      args: [1.5, 1],
      error: { code: 'eval_builtin_error', message: 'modulo on floating-point number' },
    },
  ]);
});

test('rounding', () => {
  runTable('round', [
    { note: 'half away from zero', args: [2.5], want: 3 },
    { note: 'negative half', args: [-2.5], want: -3 },
    { note: 'int unchanged', args: [7], want: 7 },
  ]);
  runTable('ceil', [
    { note: 'up', args: [1.2], want: 2 },
    { note: 'negative', args: [-1.2], want: -1 },
  ]);
  runTable('floor', [
    { note: 'down', args: [1.8], want: 1 },
    { note: 'negative', args: [-1.2], want: -2 },
  ]);
  runTable('abs', [
    { note: 'negative', args: [-3.5], want: 3.5 },
    { note: 'int', args: [-4], want: 4 },
  ]);
});

test('numbers.range and range_step', () => {
  runTable('numbers.range', [
    { note: 'ascending', args: [1, 3], want: [1, 2, 3] },
    { note: 'descending', args: [3, 1], want: [3, 2, 1] },
    {
      note: 'float',
      args: [1.5, 3],
      error: {
        code: 'eval_type_error',
        message: 'operand 1 must be integer number but got floating-point number',
      },
    },
  ]);
  runTable('numbers.range_step', [
    { note: 'step 2', args: [0, 6, 2], want: [0, 2, 4, 6] },
    { note: 'step not reaching end', args: [0, 5, 2], want: [0, 2, 4] },
    {
      note: 'zero step',
      args: [0, 5, 0],
      error: { code: 'eval_builtin_error', message: 'step must be a positive integer' },
    },
  ]);
});

test('lengths and offsets: any int64 (OPA IntOperand), clamped past 2^53; beyond int64 a type error', () => {
  const tooBig = {
    code: 'eval_type_error' as const,
    message: 'operand 3 must be integer number but got floating-point number',
  };
  runTable('substring', [
    { note: 'length past 2^53', args: ['abcdef', 1, big('9007199254740993')], want: 'bcdef' },
    { note: 'length near int64 max', args: ['abc', 0, big('9223372036854775807')], want: 'abc' },
    { note: 'length past int64', args: ['abc', 0, big('9223372036854775808')], error: tooBig },
  ]);
  runTable('array.slice', [
    { note: 'stop past 2^53', args: [[1, 2, 3], 0, big('9007199254740993')], want: [1, 2, 3] },
    { note: 'stop past int64', args: [[1, 2, 3], 0, big('99999999999999999999')], error: tooBig },
  ]);
});
