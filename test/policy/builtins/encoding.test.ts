/**
 * @module Encodings with Go's decoders and messages; JSON output as Go's encoder writes it; YAML 1.1 input.
 */
import { test } from 'node:test';
import { runTable } from './harness.js';

test('base64 family', () => {
  runTable('base64.encode', [{ note: 'utf-8 bytes', args: ['hé'], want: 'aMOp' }]);
  runTable('base64.decode', [
    { note: 'padded', args: ['aGVsbG8='], want: 'hello' },
    {
      note: 'missing padding is an error (StdEncoding)',
      args: ['aGVsbG8'],
      error: { code: 'eval_builtin_error', message: 'illegal base64 data at input byte 4' },
    },
    {
      note: 'bad char position',
      args: ['a$=='],
      error: { code: 'eval_builtin_error', message: 'illegal base64 data at input byte 1' },
    },
  ]);
  runTable('base64.is_valid', [
    { note: 'valid', args: ['YQ=='], want: true },
    { note: 'invalid', args: ['YQ='], want: false },
  ]);
  runTable('base64url.encode_no_pad', [{ note: 'no padding', args: ['a?'], want: 'YT8' }]);
  runTable('base64url.decode', [
    { note: 'unpadded accepted', args: ['YT8'], want: 'a?' },
    {
      note: 'impossible length',
      args: ['Y'],
      error: { code: 'eval_builtin_error', message: 'illegal base64url string: Y' },
    },
  ]);
});

test('hex and urlquery', () => {
  runTable('hex.encode', [{ note: 'bytes', args: ['hi'], want: '6869' }]);
  runTable('hex.decode', [
    { note: 'ok', args: ['6869'], want: 'hi' },
    {
      note: 'invalid byte',
      args: ['6g'],
      error: { code: 'eval_builtin_error', message: "invalid byte: U+0067 'g'" },
    },
    {
      note: 'odd length',
      args: ['686'],
      error: { code: 'eval_builtin_error', message: 'odd length hex string' },
    },
  ]);
  runTable('urlquery.encode', [{ note: 'space is +', args: ['a b&c/é'], want: 'a+b%26c%2F%C3%A9' }]);
  runTable('urlquery.decode', [
    { note: 'plus and escapes', args: ['a+b%26'], want: 'a b&' },
    {
      note: 'bad escape',
      args: ['%zz'],
      error: { code: 'eval_builtin_error', message: 'invalid URL escape "%zz"' },
    },
  ]);
  runTable('urlquery.encode_object', [
    {
      note: 'sorted keys, arrays and sets',
      args: [{ b: ['1', '2'], a: new Set(['x']) }],
      want: 'a=x&b=1&b=2',
    },
    {
      note: 'bad value',
      args: [{ a: 1 }],
      error: { code: 'eval_type_error', message: 'values must be string, array[string], or set[string]' },
    },
  ]);
  runTable('urlquery.decode_object', [
    { note: 'repeated keys', args: ['a=1&a=2&b='], want: { a: ['1', '2'], b: [''] } },
  ]);
});

test('json and yaml', () => {
  runTable('json.marshal', [
    {
      note: 'sorted keys, HTML-safe escapes like Go',
      args: [{ b: '<&>', a: [1, null] }],
      want: '{"a":[1,null],"b":"\\u003c\\u0026\\u003e"}',
    },
    { note: 'sets become arrays', args: [new Set([2, 1])], want: '[1,2]' },
  ]);
  runTable('json.marshal_with_options', [
    {
      note: 'pretty with prefix',
      args: [{ a: 1 }, { prefix: '>', indent: '  ' }],
      want: '>{\n>  "a": 1\n>}',
    },
    { note: 'pretty false wins', args: [{ a: 1 }, { indent: '  ', pretty: false }], want: '{"a":1}' },
    {
      note: 'unknown option',
      args: [{}, { nope: 1 }],
      error: { code: 'eval_type_error', message: 'object contained unknown key "nope"' },
    },
  ]);
  runTable('json.unmarshal', [
    { note: 'object', args: ['{"a":[1,2]}'], want: { a: [1, 2] } },
    { note: 'invalid', args: ['{'], error: { code: 'eval_builtin_error', message: 'invalid JSON' } },
  ]);
  runTable('json.is_valid', [
    { note: 'valid', args: ['[1]'], want: true },
    { note: 'invalid', args: ['[1'], want: false },
  ]);
  runTable('yaml.unmarshal', [
    { note: 'YAML 1.1 booleans', args: ['a: yes\nb: [1, 2]'], want: { a: true, b: [1, 2] } },
    {
      note: 'error like go-yaml',
      args: ['[1,2,3'],
      error: { code: 'eval_builtin_error', message: 'yaml: line 1: did not find' },
    },
  ]);
  runTable('yaml.marshal', [
    { note: 'block style, yes quoted', args: [{ a: ['x', 'yes'] }], want: 'a:\n- x\n- "yes"\n' },
  ]);
  runTable('yaml.is_valid', [{ note: 'invalid', args: ['a: b: c'], want: false }]);
});
