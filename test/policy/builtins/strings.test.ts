/**
 * @module String builtins with Go semantics: rune indexes, Go's whitespace, Replacer ordering, errors.
 */
import { test } from 'node:test';
import { runTable } from './harness.js';

test('search and slicing work in runes', () => {
  runTable('indexof', [
    { note: 'ascii', args: ['hello', 'l'], want: 2 },
    { note: 'non-ascii counts runes', args: ['héllo', 'l'], want: 2 },
    { note: 'absent', args: ['abc', 'z'], want: -1 },
    {
      note: 'empty needle',
      args: ['abc', ''],
      error: { code: 'eval_builtin_error', message: 'empty search character' },
    },
  ]);
  runTable('indexof_n', [{ note: 'overlapping', args: ['aaa', 'aa'], want: [0, 1] }]);
  runTable('substring', [
    { note: 'middle', args: ['abcdef', 1, 3], want: 'bcd' },
    { note: 'negative length = rest', args: ['abcdef', 2, -1], want: 'cdef' },
    { note: 'past end', args: ['abc', 5, 1], want: '' },
    { note: 'runes', args: ['héllo', 1, 2], want: 'él' },
    {
      note: 'negative offset',
      args: ['abc', -1, 1],
      error: { code: 'eval_builtin_error', message: 'negative offset' },
    },
  ]);
  runTable('strings.count', [
    { note: 'non-overlapping', args: ['cheese', 'e'], want: 3 },
    { note: 'empty substring counts runes + 1', args: ['five', ''], want: 5 },
  ]);
});

test('case, trimming and splitting', () => {
  runTable('upper', [{ note: 'sharp s stays (Go maps per rune)', args: ['straße'], want: 'STRAßE' }]);
  runTable('lower', [{ note: 'ascii', args: ['ABC'], want: 'abc' }]);
  runTable('trim_space', [
    { note: 'Go whitespace incl. U+0085', args: ['\u0085 x \t'], want: 'x' },
    { note: 'BOM is not whitespace in Go', args: ['\ufeffx'], want: '\ufeffx' },
  ]);
  runTable('trim', [{ note: 'cutset', args: ['xxhixx', 'x'], want: 'hi' }]);
  runTable('trim_left', [{ note: 'cutset', args: ['aabca', 'a'], want: 'bca' }]);
  runTable('trim_prefix', [{ note: 'once', args: ['aab', 'a'], want: 'ab' }]);
  runTable('trim_suffix', [{ note: 'once', args: ['abb', 'b'], want: 'ab' }]);
  runTable('split', [
    { note: 'delimiter', args: ['a,b,,c', ','], want: ['a', 'b', '', 'c'] },
    { note: 'empty delimiter splits runes', args: ['hé', ''], want: ['h', 'é'] },
  ]);
  runTable('strings.reverse', [{ note: 'runes', args: ['ab😀'], want: '😀ba' }]);
});

test('replace and replace_n follow Go strings.Replacer', () => {
  runTable('replace', [
    { note: 'all occurrences', args: ['aaa', 'a', 'b'], want: 'bbb' },
    { note: 'empty old inserts everywhere', args: ['ab', '', '-'], want: '-a-b-' },
  ]);
  runTable('strings.replace_n', [
    { note: 'patterns in key order, no re-replacement', args: [{ a: 'b', b: 'a' }, 'ab'], want: 'ba' },
    {
      note: 'non-string value',
      args: [{ a: 1 }, 'a'],
      error: { code: 'eval_type_error', message: 'operand 1 non-string value found in pattern object' },
    },
    {
      note: 'non-string string',
      args: [{ a: 'b' }, 1],
      error: { code: 'eval_type_error', message: 'operand 2 must be string but got number' },
    },
  ]);
});

test('concat, format_int, prefix matching', () => {
  runTable('concat', [
    { note: 'array', args: ['-', ['a', 'b']], want: 'a-b' },
    { note: 'set is sorted', args: [',', new Set(['b', 'a'])], want: 'a,b' },
    {
      note: 'non-string element',
      args: [',', ['a', 1]],
      error: {
        code: 'eval_type_error',
        message: 'operand 2 must be array of strings but got array containing number',
      },
    },
  ]);
  runTable('format_int', [
    { note: 'hex', args: [255, 16], want: 'ff' },
    { note: 'binary of negative', args: [-5, 2], want: '-101' },
    { note: 'float truncates', args: [3.9, 10], want: '3' },
    {
      note: 'bad base',
      args: [1, 3],
      error: { code: 'eval_type_error', message: 'operand 2 must be one of {2, 8, 10, 16}' },
    },
  ]);
  runTable('strings.any_prefix_match', [
    { note: 'string vs array', args: ['foobar', ['x', 'foo']], want: true },
    { note: 'no match', args: [['a', 'b'], 'c'], want: false },
    {
      note: 'bad element',
      args: [[1], 'a'],
      error: {
        code: 'eval_type_error',
        message: 'operand 1 must be array of strings but got array containing number',
      },
    },
    {
      note: 'bad operand',
      args: [1, 'a'],
      error: {
        code: 'eval_type_error',
        message: 'operand 1 must be one of {string, set, array} but got number',
      },
    },
  ]);
  runTable('strings.any_suffix_match', [{ note: 'set', args: ['foobar', new Set(['bar'])], want: true }]);
});
