/**
 * @module sprintf with Go's fmt: verbs, flags, widths, precision, Go's error annotations, and OPA's argument
 * conversion (ints, big ints, floats, Rego text for other values).
 */
import { test } from 'node:test';
import { numberFromLiteral } from '../../../policy/value/index.js';
import { runTable } from './harness.js';

test('sprintf formats like Go', () => {
  runTable('sprintf', [
    { note: 'ints', args: ['%d|%5d|%-5d|%05d', [42, 42, 42, -42]], want: '42|   42|42   |-0042' },
    { note: 'bases', args: ['%x %X %o %b %#x', [255, 255, 8, 5, 255]], want: 'ff FF 10 101 0xff' },
    {
      note: 'floats',
      args: ['%.2f %e %g', [3.14159, 1234.5678, 0.000012345]],
      want: '3.14 1.234568e+03 1.2345e-05',
    },
    { note: 'round half even on exact binary', args: ['%.2f', [2.675]], want: '2.67' },
    { note: '%v of float uses shortest %g', args: ['%v %v', [1.5, 1e-7]], want: '1.5 1e-07' },
    {
      note: 'strings and quoting',
      args: ['%s %q %5s|%-3s|', ['hi', 'a"b', 'r', 'l']],
      want: 'hi "a\\"b"     r|l  |',
    },
    {
      note: 'collections print as Rego',
      args: ['%v', [['a', 1, { b: true }]]],
      want: '["a", 1, {"b": true}]',
    },
    { note: 'wrong verb', args: ['%d', ['x']], want: '%!d(string=x)' },
    { note: 'missing arg', args: ['%d %d', [1]], want: '1 %!d(MISSING)' },
    { note: 'extra arg', args: ['%d', [1, 'x']], want: '1%!(EXTRA string=x)' },
    { note: 'type names', args: ['%T %T %T', [1, 1.5, 'x']], want: 'int float64 string' },
    {
      note: 'big ints print exactly, even with %s',
      args: ['%s', [numberFromLiteral('1208925819614629174706175')]],
      want: '1208925819614629174706175',
    },
    {
      note: "a verb big.Int does not know is big.Int's own %!verb(big.Int=…)",
      args: [
        '%e %c',
        [numberFromLiteral('12345678901234567890123'), numberFromLiteral('12345678901234567890123')],
      ],
      want: '%!e(big.Int=12345678901234567890123) %!c(big.Int=12345678901234567890123)',
    },
    {
      note: 'out of float range prints the literal',
      args: ['%v', [numberFromLiteral('2e308')]],
      want: '2e308',
    },
    { note: 'percent', args: ['100%%', []], want: '100%' },
    {
      note: 'non-array args',
      args: ['%d', 1],
      error: { code: 'eval_type_error', message: 'operand 2 must be array but got number' },
    },
  ]);
});
