import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../lib/duration.js';

test('parseDuration accepts compound units', () => {
  const cases: [string, number][] = [
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['60d', 5_184_000_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('parseDuration rejects junk with the offending text', () => {
  for (const bad of ['', '10', 'm', '10x', '1h 30m', '-5m']) {
    assert.throws(() => parseDuration(bad), RangeError, bad);
  }
  assert.throws(() => parseDuration('10x'), /invalid duration "10x"/);
});

test('formatDuration keeps the two largest units', () => {
  assert.equal(formatDuration(850), '850ms');
  assert.equal(formatDuration(59 * 86_400_000 + 23 * 3_600_000 + 5000), '59d 23h');
  assert.equal(formatDuration(-61_000), '-1m 1s');
});
