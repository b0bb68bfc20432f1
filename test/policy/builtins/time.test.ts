/**
 * @module Time builtins: Go layouts both ways, nanosecond precision, IANA zones, OPA's range errors, and the
 * fixed per-evaluation clock.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberFromLiteral } from '../../../policy/value/index.js';
import { call, FIXED_NOW_NS, runTable } from './harness.js';

const n = (s: string) => numberFromLiteral(s);
// 2022-12-02T18:40:53.141828752Z
const T = n('1670006453141828752');

test('time.now_ns is the context clock, fixed per evaluation', () => {
  assert.equal(String(call('time.now_ns', [])), FIXED_NOW_NS.toString());
});

test('parse_rfc3339_ns and parse_ns', () => {
  runTable('time.parse_rfc3339_ns', [
    { note: 'nanoseconds kept', args: ['2022-12-02T18:40:53.141828752Z'], want: T },
    { note: 'offset', args: ['2017-06-02T19:00:00-07:00'], want: n('1496455200000000000') },
    { note: 'lower bound', args: ['1677-09-21T00:12:43.145224192-00:00'], want: n('-9223372036854775808') },
    {
      note: 'below int64',
      args: ['1677-09-21T00:12:43.145224191-00:00'],
      error: { code: 'eval_builtin_error', message: 'time outside of valid range' },
    },
    {
      note: 'garbage',
      args: ['yesterday'],
      error: { code: 'eval_builtin_error', message: 'parsing time "yesterday"' },
    },
  ]);
  runTable('time.parse_ns', [
    { note: 'Go layout', args: ['2006-01-02', '2022-12-02'], want: n('1669939200000000000') },
    { note: 'named layout', args: ['RFC822Z', '02 Dec 22 18:40 +0000'], want: n('1670006400000000000') },
    {
      note: '12h clock and month names',
      args: ['Jan 2 2006 3:04PM', 'Dec 2 2022 6:40PM'],
      want: n('1670006400000000000'),
    },
    {
      note: 'day out of range',
      args: ['2006-01-02', '2022-02-30'],
      error: { code: 'eval_builtin_error', message: 'day out of range' },
    },
  ]);
  runTable('time.parse_duration_ns', [
    { note: 'compound', args: ['1h30m'], want: n('5400000000000') },
    { note: 'fraction', args: ['1.5s'], want: n('1500000000') },
    { note: 'micro sign', args: ['3µs'], want: 3000 },
    {
      note: 'missing unit',
      args: ['5'],
      error: { code: 'eval_builtin_error', message: 'missing unit in duration "5"' },
    },
  ]);
});

test('format, date, clock, weekday in zones', () => {
  runTable('time.format', [
    { note: 'default RFC3339Nano', args: [T], want: '2022-12-02T18:40:53.141828752Z' },
    { note: 'zone', args: [[T, 'Asia/Kolkata']], want: '2022-12-03T00:10:53.141828752+05:30' },
    {
      note: 'named layout',
      args: [[T, 'Asia/Kolkata', 'RFC1123Z']],
      want: 'Sat, 03 Dec 2022 00:10:53 +0530',
    },
    {
      note: 'Go layout',
      args: [[T, 'UTC', 'Mon Jan _2 15:04:05.000 2006']],
      want: 'Fri Dec  2 18:40:53.141 2022',
    },
    {
      note: 'unknown zone',
      args: [[T, 'Mars/Base']],
      error: { code: 'eval_builtin_error', message: 'unknown time zone Mars/Base' },
    },
  ]);
  runTable('time.date', [
    { note: 'utc', args: [T], want: [2022, 12, 2] },
    { note: 'zone crosses day', args: [[T, 'Asia/Tokyo']], want: [2022, 12, 3] },
  ]);
  runTable('time.clock', [{ note: 'utc', args: [T], want: [18, 40, 53] }]);
  runTable('time.weekday', [{ note: 'friday', args: [T], want: 'Friday' }]);
  runTable('time.date', [
    {
      note: 'fraction is too big (OPA)',
      args: [1.5],
      error: { code: 'eval_builtin_error', message: 'timestamp too big' },
    },
  ]);
});

test('add_date and diff', () => {
  runTable('time.add_date', [
    {
      note: 'Jan 31 + 1 month normalises to Mar 3 (as Go)',
      args: [n('1675123200000000000'), 0, 1, 0],
      want: n('1677801600000000000'),
    },
    { note: 'years', args: [T, 1, 0, 0], want: n('1701542453141828752') },
  ]);
  runTable('time.diff', [
    {
      note: 'ordered either way',
      args: [n('1672531200000000000'), n('1640995200000000000')],
      want: [1, 0, 0, 0, 0, 0],
    },
    {
      note: 'borrows days',
      args: [n('1675209600000000000'), n('1673222400000000000')],
      want: [0, 0, 23, 0, 0, 0],
    },
  ]);
});
