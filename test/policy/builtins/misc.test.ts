/**
 * @module Units, bits, semver, uuid, crypto hashes, graph/walk, JSON paths and patch, print and template
 * strings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberFromLiteral } from '../../../policy/value/index.js';
import { call, context, runTable } from './harness.js';

test('units', () => {
  runTable('units.parse', [
    { note: 'milli', args: ['500m'], want: 0.5 },
    { note: 'mega vs milli', args: ['1M'], want: 1000000 },
    { note: 'binary', args: ['1Ki'], want: 1024 },
    { note: 'exponent', args: ['-3.5E2m'], want: -0.35 },
    {
      note: 'spaces',
      args: ['1 K'],
      error: { code: 'eval_builtin_error', message: 'units.parse: spaces not allowed in resource strings' },
    },
    {
      note: 'no amount',
      args: ['K'],
      error: { code: 'eval_builtin_error', message: 'units.parse: no amount provided' },
    },
    {
      note: 'bad unit',
      args: ['1x'],
      error: { code: 'eval_builtin_error', message: 'units.parse: unit x not recognized' },
    },
  ]);
  runTable('units.parse_bytes', [
    { note: 'MiB', args: ['1MiB'], want: 1048576 },
    { note: 'mb case-insensitive', args: ['100MB'], want: 100000000 },
    { note: 'fraction truncates', args: ['1.5k'], want: 1500 },
    {
      note: 'bad number',
      args: ['1..2kb'],
      error: { code: 'eval_builtin_error', message: 'could not parse byte amount to a number' },
    },
  ]);
});

test('bits', () => {
  runTable('bits.and', [{ note: 'and', args: [12, 10], want: 8 }]);
  runTable('bits.lsh', [
    { note: 'beyond 2^53 stays exact', args: [1, 60], want: numberFromLiteral('1152921504606846976') },
    {
      note: 'negative shift',
      args: [1, -1],
      error: {
        code: 'eval_type_error',
        message: 'operand 2 must be an unsigned integer number but got a negative integer',
      },
    },
  ]);
  runTable('bits.negate', [
    { note: 'two complement', args: [5], want: -6 },
    {
      note: 'float',
      args: [1.5],
      error: {
        code: 'eval_type_error',
        message: 'operand 1 must be integer number but got floating-point number',
      },
    },
  ]);
});

test('semver and uuid', () => {
  runTable('semver.is_valid', [
    { note: 'valid', args: ['1.0.0-rc.1+build'], want: true },
    { note: 'v prefix is not SemVer', args: ['v1.0.0'], want: false },
    { note: 'not a string', args: [1], want: false },
  ]);
  runTable('semver.compare', [
    { note: 'prerelease sorts lower', args: ['1.0.0-alpha', '1.0.0'], want: -1 },
    {
      note: 'invalid',
      args: ['1', '1.0.0'],
      error: { code: 'eval_builtin_error', message: 'operand 1: string "1" is not a valid SemVer' },
    },
  ]);
  runTable('uuid.parse', [
    { note: 'v4', args: ['00000000-0000-4000-8000-000000000000'], want: { version: 4, variant: 'RFC4122' } },
    { note: 'invalid is undefined', args: ['nope'], want: undefined },
  ]);
  const ctx = context();
  const a = call('uuid.rfc4122', ['k'], ctx);
  assert.match(String(a), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(call('uuid.rfc4122', ['k'], ctx), a, 'same key, same evaluation, same UUID');
  assert.notEqual(call('uuid.rfc4122', ['k'], context()), a, 'a new evaluation draws again');
});

test('hashes and HMACs', () => {
  runTable('crypto.sha256', [
    { note: 'empty', args: [''], want: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  ]);
  runTable('crypto.md5', [{ note: 'abc', args: ['abc'], want: '900150983cd24fb0d6963f7d28e17f72' }]);
  runTable('crypto.hmac.sha256', [
    {
      note: 'rfc 4231 case 2',
      args: ['what do ya want for nothing?', 'Jefe'],
      want: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    },
  ]);
  runTable('crypto.hmac.equal', [
    { note: 'equal', args: ['abc', 'abc'], want: true },
    { note: 'length differs', args: ['abc', 'ab'], want: false },
  ]);
});

test('walk and graphs', () => {
  runTable('walk', [
    {
      note: 'pre-order pairs',
      args: [{ a: [1] }],
      want: [
        [[], { a: [1] }],
        [['a'], [1]],
        [['a', 0], 1],
      ],
    },
  ]);
  runTable('graph.reachable', [
    { note: 'cycle', args: [{ a: ['b'], b: ['c'], c: ['a'], d: [] }, ['a']], want: new Set(['a', 'b', 'c']) },
    {
      note: 'malformed',
      args: [{ a: 'b' }, ['a']],
      error: { code: 'eval_type_error', message: 'operand 1 must be one of {set, array} but got string' },
    },
  ]);
  runTable('graph.reachable_paths', [
    {
      note: 'branches',
      args: [{ a: ['b', 'c'], b: ['c'], c: [] }, ['a']],
      want: new Set([
        ['a', 'b', 'c'],
        ['a', 'c'],
      ]),
    },
  ]);
});

test('json.filter, json.remove, json.patch', () => {
  runTable('json.filter', [
    {
      note: 'pointer paths',
      args: [{ a: { b: 1, c: 2 }, d: 3 }, ['a/b', '/d']],
      want: { a: { b: 1 }, d: 3 },
    },
    {
      note: 'array indexes as strings',
      args: [{ a: [{ x: 1 }, { x: 2 }] }, ['a/1/x']],
      want: { a: [{ x: 2 }] },
    },
  ]);
  runTable('json.remove', [
    { note: 'array shifts', args: [{ a: [1, 2, 3] }, ['/a/1']], want: { a: [1, 3] } },
    { note: 'escapes', args: [{ 'a/b': 1, c: 2 }, ['a~1b']], want: { c: 2 } },
    {
      note: 'bad path type',
      args: [{}, [1]],
      error: {
        code: 'eval_type_error',
        message:
          'operand 2 must be one of {set, array} containing string paths or array of path segments but got number',
      },
    },
  ]);
  runTable('json.patch', [
    {
      note: 'add, replace, remove',
      args: [
        { a: 1 },
        [
          { op: 'add', path: '/b', value: 2 },
          { op: 'replace', path: '/a', value: 3 },
          { op: 'remove', path: '/b' },
        ],
      ],
      want: { a: 3 },
    },
    { note: 'append', args: [[1], [{ op: 'add', path: '/-', value: 2 }]], want: [1, 2] },
    {
      note: 'move and copy',
      args: [
        { a: 1 },
        [
          { op: 'copy', from: '/a', path: '/b' },
          { op: 'move', from: '/a', path: '/c' },
        ],
      ],
      want: { b: 1, c: 1 },
    },
    {
      note: 'failed test op is undefined',
      args: [{ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]],
      want: undefined,
    },
    { note: 'missing path is undefined', args: [{}, [{ op: 'remove', path: '/x' }]], want: undefined },
  ]);
});

test('print and template strings', () => {
  const lines: string[] = [];
  const ctx = context({ print: (l) => lines.push(l) });
  call('internal.print', [['a', new Set([1, 2]), new Set()]], ctx);
  assert.deepEqual(lines, ['a 1 <undefined>', 'a 2 <undefined>'], 'one line per combination');
  runTable('internal.template_string', [
    {
      note: 'primitives and sets',
      args: [['n=', 1, ' v=', new Set([{ a: 'b' }]), ' u=', new Set()]],
      want: 'n=1 v={"a": "b"} u=<undefined>',
    },
    {
      note: 'two outputs',
      args: [[new Set([1, 2])]],
      error: { code: 'eval_conflict_error', message: 'template-strings must not produce multiple outputs' },
    },
  ]);
});
