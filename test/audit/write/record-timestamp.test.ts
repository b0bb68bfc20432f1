import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RecordTimestamp } from '../../../audit/write/record-timestamp.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('RecordTimestamp', () => {
  test('formats as toISOString within a second, across seconds, and going back in time', () => {
    const ts = new RecordTimestamp();
    const start = Date.parse('2026-11-24T23:59:58.990Z');
    for (let ms = start; ms < start + 2_050; ms += 7) assert.equal(ts.format(ms), iso(ms));
    for (const ms of [start + 5, start - 86_400_000, start + 1, 0, -0, 1, 999, 1000, 253_402_300_799_999]) {
      assert.equal(ts.format(ms), iso(ms), String(ms));
    }
  });

  test('times outside the cached form go through Date as before: fractions, negatives, six-digit years', () => {
    const ts = new RecordTimestamp();
    for (const ms of [1.5, -1, -1.5, 253_402_300_800_000, 8.64e15])
      assert.equal(ts.format(ms), iso(ms), String(ms));
    for (const ms of [Number.NaN, 8.64e15 + 1, Number.POSITIVE_INFINITY]) {
      assert.throws(() => ts.format(ms), RangeError, String(ms));
    }
  });
});
