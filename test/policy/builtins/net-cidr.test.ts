/**
 * @module CIDR builtins over IPv4 and IPv6 with Go's net parsing (no leading zeros, mapped addresses) and
 * OPA's merge algorithm.
 */
import { test } from 'node:test';
import { runTable } from './harness.js';

test('contains and intersects', () => {
  runTable('net.cidr_contains', [
    { note: 'ip in v4 net', args: ['10.0.0.0/8', '10.1.2.3'], want: true },
    { note: 'net in net', args: ['10.0.0.0/8', '10.1.0.0/16'], want: true },
    { note: 'wider net not contained', args: ['10.0.0.0/16', '10.0.0.0/8'], want: false },
    { note: 'v6', args: ['2001:db8::/32', '2001:db8:1::1'], want: true },
    { note: 'v4 not in v6 net', args: ['::/0', '1.2.3.4'], want: false },
    {
      note: 'leading zeros rejected',
      args: ['10.0.0.0/8', '010.1.2.3'],
      error: {
        code: 'eval_builtin_error',
        message: 'not a valid textual representation of an IP address or CIDR: 010.1.2.3',
      },
    },
    {
      note: 'bad cidr',
      args: ['10.0.0.0/33', '10.0.0.1'],
      error: { code: 'eval_builtin_error', message: 'invalid CIDR address: 10.0.0.0/33' },
    },
  ]);
  runTable('net.cidr_intersects', [
    { note: 'overlap', args: ['10.0.0.0/8', '10.5.0.0/16'], want: true },
    { note: 'disjoint', args: ['10.0.0.0/8', '11.0.0.0/8'], want: false },
  ]);
  runTable('net.cidr_is_valid', [
    { note: 'v6', args: ['::1/128'], want: true },
    { note: 'ip only', args: ['1.2.3.4'], want: false },
  ]);
});

test('contains_matches, expand, merge', () => {
  runTable('net.cidr_contains_matches', [
    {
      note: 'object of cidrs',
      args: [{ k1: '1.1.1.1/24', k2: ['1.1.1.2/24', 1] }, '1.1.1.128'],
      want: new Set([
        ['k1', '1.1.1.128'],
        ['k2', '1.1.1.128'],
      ]),
    },
    {
      note: 'bad element',
      args: [['1.1.1.1/24', 2], '1.1.1.1'],
      error: { code: 'eval_builtin_error', message: 'operand 1: element must be string or non-empty array' },
    },
  ]);
  runTable('net.cidr_expand', [
    {
      note: '/30',
      args: ['192.168.1.0/30'],
      want: new Set(['192.168.1.0', '192.168.1.1', '192.168.1.2', '192.168.1.3']),
    },
    { note: 'v6 /127', args: ['2001:db8::/127'], want: new Set(['2001:db8::', '2001:db8::1']) },
    {
      note: 'huge ranges are refused',
      args: ['10.0.0.0/8'],
      error: { code: 'eval_builtin_error', message: 'expanding more than' },
    },
  ]);
  runTable('net.cidr_merge', [
    { note: 'adjacent', args: [['192.0.128.0/24', '192.0.129.0/24']], want: new Set(['192.0.128.0/23']) },
    { note: 'contained', args: [['192.0.128.0/24', '0.0.0.0/0']], want: new Set(['0.0.0.0/0']) },
    {
      note: 'v6',
      args: [['2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64', '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128']],
      want: new Set(['2601:600:8a80:207e::/64']),
    },
    {
      note: 'v6 needs prefix',
      args: [['::1']],
      error: { code: 'eval_builtin_error', message: 'IPv6 invalid: needs prefix length' },
    },
  ]);
});
