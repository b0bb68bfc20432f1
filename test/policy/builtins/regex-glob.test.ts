/**
 * @module Regex builtins use RE2 semantics (no backreferences or lookaround, linear time) and Go's
 * FindAll/Split/ReplaceAll rules; glob.match follows gobwas/glob.
 */
import { test } from 'node:test';
import { runTable } from './harness.js';

test('regex.match and is_valid use RE2, not JavaScript RegExp', () => {
  runTable('regex.match', [
    { note: 'unanchored', args: ['b+', 'abbbc'], want: true },
    { note: 'Perl class', args: ['^\\d{3}$', '123'], want: true },
    { note: 'RE2 named group syntax', args: ['(?P<x>a)', 'a'], want: true },
    {
      note: 'backreference is invalid in RE2',
      args: ['(a)\\1', 'aa'],
      error: { code: 'eval_builtin_error', message: 'invalid escape sequence' },
    },
    {
      note: 'lookahead is invalid in RE2',
      args: ['a(?=b)', 'ab'],
      error: { code: 'eval_builtin_error', message: 'error parsing regexp' },
    },
  ]);
  runTable('regex.is_valid', [
    { note: 'valid', args: ['a|b'], want: true },
    { note: 'invalid', args: ['a('], want: false },
    { note: 'non-string is false', args: [1], want: false },
  ]);
});

test('find, split, replace follow Go', () => {
  runTable('regex.find_n', [
    { note: 'all', args: ['a.', 'a1a2a3', -1], want: ['a1', 'a2', 'a3'] },
    { note: 'limit', args: ['a.', 'a1a2a3', 2], want: ['a1', 'a2'] },
  ]);
  runTable('regex.find_all_string_submatch_n', [
    {
      note: 'groups, unmatched as ""',
      args: ['a(x)?(b)', 'ab axb', -1],
      want: [
        ['ab', '', 'b'],
        ['axb', 'x', 'b'],
      ],
    },
  ]);
  runTable('regex.split', [
    { note: 'separator', args: [',\\s*', 'a, b,c'], want: ['a', 'b', 'c'] },
    { note: 'empty matches as Go', args: ['x*', 'abc'], want: ['a', 'b', 'c'] },
  ]);
  runTable('regex.replace', [
    { note: 'groups', args: ['foo', '(foo)', '$1$1'], want: 'foofoo' },
    { note: '${name} and $$', args: ['ab', '(?P<first>a)', '${first}$$'], want: 'a$b' },
    { note: 'anchored start', args: ['foo', '^[a-z]', 'F'], want: 'Foo' },
    { note: 'count', args: ['foo barx', '[a-z]{2}', '_'], want: '_o __' },
    {
      note: 'bad pattern',
      args: ['foo', '[', 'x'],
      error: { code: 'eval_builtin_error', message: 'missing closing ]' },
    },
  ]);
  runTable('regex.template_match', [
    { note: 'urn', args: ['urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}'], want: true },
    {
      note: 'literal part must match',
      args: ['urn:foo.bar.com:{.*}', 'urn:foo.com:bar:baz', '{', '}'],
      want: false,
    },
    {
      note: 'unbalanced',
      args: ['urn:{.*', 'x', '{', '}'],
      error: { code: 'eval_builtin_error', message: 'unbalanced braces' },
    },
  ]);
});

test('regex.globs_match intersects two globs', () => {
  runTable('regex.globs_match', [
    { note: 'intersecting', args: ['a.a.[0-9]+z', '.b.b2359825792*594823z'], want: true },
    { note: 'plus vs star of disjoint sets', args: ['[a-z]+', '[0-9]*'], want: false },
    { note: 'both may be empty', args: ['a*', 'b*'], want: true },
    {
      note: 'bad pattern',
      args: ['pqrs]', '[a-b]+'],
      error: {
        code: 'eval_builtin_error',
        message: "input:pqrs], pos:5, set-close ']' with no preceding '['",
      },
    },
  ]);
});

test('glob.match', () => {
  runTable('glob.match', [
    { note: '* stops at delimiter', args: ['*.github.com', ['.'], 'api.cdn.github.com'], want: false },
    { note: '* within a segment', args: ['*.github.com', ['.'], 'api.github.com'], want: true },
    { note: '** crosses delimiters', args: ['api.**.com', ['.'], 'api.cdn.github.com'], want: true },
    { note: 'default delimiter is .', args: ['*', [], 'foo.bar'], want: false },
    { note: 'null = no delimiters', args: ['*', null, 'foo.bar'], want: true },
    { note: '? single char', args: ['?at', [], 'cat'], want: true },
    { note: 'negated class', args: ['[!a-c]at', [], 'bat'], want: false },
    { note: 'alternatives', args: ['{cat,bat,[fr]at}', [], 'rat'], want: true },
    { note: 'escape', args: ['\\*', [], '*'], want: true },
    {
      note: 'bad delimiters',
      args: ['*', 'x', 'a'],
      error: { code: 'eval_type_error', message: 'operand 2 must be one of {array, null} but got string' },
    },
  ]);
  runTable('glob.quote_meta', [{ note: 'specials', args: ['*.github.com'], want: '\\*.github.com' }]);
});
