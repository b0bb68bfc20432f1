/**
 * @module OPA's deprecated builtins as OPA's v1/topdown implements them: `all`/`any` compare members with
 * `true`, `cast_*` return their operand or raise an operand type error, and `re_match`,
 * `net.cidr_overlap` and `set_diff` are the builtins that replaced them under the old name (errors
 * prefixed with the old name).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allBuiltins, lookupBuiltin } from '../../../policy/builtins/index.js';
import { equal, toRegoString } from '../../../policy/value/index.js';
import { call, runTable } from './harness.js';

const DEPRECATED = [
  'all',
  'any',
  'cast_array',
  'cast_boolean',
  'cast_null',
  'cast_object',
  'cast_set',
  'cast_string',
  'net.cidr_overlap',
  're_match',
  'set_diff',
];

test('exactly OPA deprecated builtins carry the flag, in their own family', () => {
  const flagged = [...allBuiltins()].filter((b) => b.deprecated).map((b) => b.name);
  assert.deepEqual(flagged, DEPRECATED);
  for (const name of DEPRECATED) assert.equal(lookupBuiltin(name)?.family, 'deprecated', name);
  assert.equal(lookupBuiltin('regex.match')?.deprecated, false);
});

test('all: every member is true; any: some member is true', () => {
  runTable('all', [
    { note: 'array of true', args: [[true, true]], want: true },
    { note: 'array with false', args: [[true, false]], want: false },
    { note: 'truthy non-boolean is not true', args: [[true, 1]], want: false },
    { note: 'empty array', args: [[]], want: true },
    { note: 'set of true', args: [new Set([true])], want: true },
    { note: 'empty set', args: [new Set()], want: true },
    {
      note: 'string operand',
      args: ['true'],
      error: { code: 'eval_type_error', message: 'operand 1 must be one of {array, set} but got string' },
    },
  ]);
  runTable('any', [
    { note: 'array with true', args: [[false, true]], want: true },
    { note: 'array of false', args: [[false, false]], want: false },
    { note: 'string "true" is not true', args: [['true']], want: false },
    { note: 'empty array', args: [[]], want: false },
    { note: 'set with true', args: [new Set([false, true])], want: true },
    { note: 'empty set', args: [new Set()], want: false },
    {
      note: 'object operand',
      args: [{ a: true }],
      error: { code: 'eval_type_error', message: 'operand 1 must be one of {array, set} but got object' },
    },
  ]);
});

test('cast_array and cast_set convert between arrays and sets', () => {
  runTable('cast_array', [
    { note: 'array unchanged', args: [[3, 1, 3]], want: [3, 1, 3] },
    { note: 'set to sorted array', args: [new Set(['b', 'a'])], want: ['a', 'b'] },
    {
      note: 'string',
      args: ['a'],
      error: { code: 'eval_type_error', message: 'operand 1 must be one of {array, set} but got string' },
    },
  ]);
  runTable('cast_set', [
    { note: 'array deduplicated', args: [[1, 2, 1]], want: new Set([1, 2]) },
    { note: 'set unchanged', args: [new Set(['x'])], want: new Set(['x']) },
    {
      note: 'null',
      args: [null],
      error: { code: 'eval_type_error', message: 'operand 1 must be one of {array, set} but got null' },
    },
  ]);
});

test('cast_string, cast_boolean, cast_null and cast_object check the type only', () => {
  const typeError = (message: string) => ({ code: 'eval_type_error' as const, message });
  runTable('cast_string', [
    { note: 'string', args: ['s'], want: 's' },
    {
      note: 'number is not converted',
      args: [1],
      error: typeError('operand 1 must be string but got number'),
    },
  ]);
  runTable('cast_boolean', [
    { note: 'false', args: [false], want: false },
    { note: 'string "true"', args: ['true'], error: typeError('operand 1 must be boolean but got string') },
  ]);
  runTable('cast_null', [
    { note: 'null', args: [null], want: null },
    { note: 'zero', args: [0], error: typeError('operand 1 must be null but got number') },
  ]);
  runTable('cast_object', [
    { note: 'object', args: [{ a: [1] }], want: { a: [1] } },
    { note: 'empty array', args: [[]], error: typeError('operand 1 must be object but got array') },
  ]);
});

test('set_diff is set difference with both operands sets', () => {
  runTable('set_diff', [
    { note: 'difference', args: [new Set([1, 2, 3]), new Set([2, 4])], want: new Set([1, 3]) },
    { note: 'empty result', args: [new Set([1]), new Set([1])], want: new Set() },
    {
      note: 'array first operand',
      args: [[1], new Set([1])],
      error: { code: 'eval_type_error', message: 'operand 1 must be set but got array' },
    },
    {
      note: 'number second operand (minus would say number too)',
      args: [new Set([1]), 1],
      error: { code: 'eval_type_error', message: 'operand 2 must be set but got number' },
    },
  ]);
});

test('re_match is regex.match and net.cidr_overlap is net.cidr_contains, errors under the old name', () => {
  runTable('re_match', [
    { note: 'unanchored', args: ['b+', 'abbbc'], want: true },
    { note: 'anchored miss', args: ['^a', 'ba'], want: false },
    {
      note: 'RE2 rejects backreferences',
      args: ['(a)\\1', 'aa'],
      error: { code: 'eval_builtin_error', message: 'invalid escape sequence' },
    },
    {
      note: 'non-string value',
      args: ['a', 1],
      error: { code: 'eval_type_error', message: 'operand 2 must be string but got number' },
    },
  ]);
  runTable('net.cidr_overlap', [
    { note: 'ip in net', args: ['10.0.0.0/8', '10.1.2.3'], want: true },
    { note: 'net not in narrower net', args: ['10.0.0.0/16', '10.0.0.0/8'], want: false },
    {
      note: 'bad cidr',
      args: ['10.0.0.0/33', '10.0.0.1'],
      error: { code: 'eval_builtin_error', message: 'invalid CIDR address: 10.0.0.0/33' },
    },
  ]);
  const pairs: [string, string, unknown[][]][] = [
    [
      're_match',
      'regex.match',
      [
        ['^x.*z$', 'xyz'],
        ['[', 'a'],
        ['a', 'b'],
      ],
    ],
    [
      'net.cidr_overlap',
      'net.cidr_contains',
      [
        ['::/0', '1.2.3.4'],
        ['2001:db8::/32', '2001:db8:1::1'],
      ],
    ],
  ];
  for (const [old, replacement, rows] of pairs) {
    for (const args of rows) {
      const outcome = (name: string): string => {
        try {
          const v = call(name, args);
          return v === undefined ? 'undefined' : toRegoString(v);
        } catch (e) {
          return `error: ${(e as Error).message.slice(name.length)}`;
        }
      };
      assert.equal(outcome(old), outcome(replacement), `${old}${JSON.stringify(args)}`);
    }
  }
  const sets = [new Set([1, 'a']), new Set(['a'])];
  const viaMinus = call('minus', sets);
  const viaSetDiff = call('set_diff', sets);
  assert.ok(viaMinus !== undefined && viaSetDiff !== undefined && equal(viaMinus, viaSetDiff));
});
