import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTimeFlag } from '../../../audit/cli/time-option.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');

describe('parseTimeFlag', () => {
  const ok = [
    { note: 'RFC 3339 with Z', text: '2026-11-24T10:00:00Z', want: Date.parse('2026-11-24T10:00:00Z') },
    {
      note: 'RFC 3339 with fraction and offset',
      text: '2026-11-24T11:00:00.500+01:00',
      want: Date.parse('2026-11-24T10:00:00.500Z'),
    },
    { note: 'a UTC date', text: '2026-11-24', want: Date.parse('2026-11-24T00:00:00Z') },
    { note: 'a duration ago', text: '90m', want: NOW - 90 * 60_000 },
    { note: 'a compound duration ago', text: '1d12h', want: NOW - 36 * 3_600_000 },
  ];
  for (const c of ok) test(`accepts ${c.note}`, () => assert.equal(parseTimeFlag(c.text, NOW), c.want));

  const bad = ['yesterday', '2026-13-45', '24/11/2026', '2026-11-24T10:00:00', '10:00', '', '-5m'];
  for (const text of bad) {
    test(`rejects ${JSON.stringify(text)} with the accepted forms`, () => {
      assert.throws(() => parseTimeFlag(text, NOW), {
        name: 'RangeError',
        message: `invalid time "${text}": expected RFC 3339 (2026-11-24T10:00:00Z), a UTC date (2026-11-24) or a duration ago (24h)`,
      });
    });
  }
});
