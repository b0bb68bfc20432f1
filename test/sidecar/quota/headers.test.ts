/**
 * Tests for the RateLimit-Policy / RateLimit / Retry-After values.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  quotaHeaders,
  rateLimitPolicyValue,
  rateLimitValue,
  toSeconds,
} from '../../../sidecar/quota/headers.js';

const states = [
  { name: 'orders', limit: 100, windowSeconds: 60, remaining: 41, resetMs: 35_400 },
  { name: 'service', limit: 10_000, windowSeconds: 1, remaining: 9_999, resetMs: 0.1 },
];

describe('quota headers', () => {
  test('RateLimit-Policy lists each limit with q and w', () => {
    assert.equal(rateLimitPolicyValue(states), '"orders";q=100;w=60, "service";q=10000;w=1');
  });
  test('RateLimit-Policy follows a limit whose quota changed (a new revision, the Redis-outage share)', () => {
    const one = states[0] as (typeof states)[number];
    assert.equal(rateLimitPolicyValue([one]), '"orders";q=100;w=60');
    assert.equal(rateLimitPolicyValue([{ ...one, limit: 50 }]), '"orders";q=50;w=60');
    assert.equal(rateLimitPolicyValue([{ ...one, windowSeconds: 1 }]), '"orders";q=100;w=1');
    assert.equal(rateLimitPolicyValue([one]), '"orders";q=100;w=60');
  });
  test('RateLimit gives remaining and seconds to full, rounded up', () => {
    assert.equal(rateLimitValue(states), '"orders";r=41;t=36, "service";r=9999;t=1');
  });
  const rounding = [
    { note: 'zero stays zero', ms: 0, want: 0 },
    { note: 'a fraction of a second is one', ms: 1, want: 1 },
    { note: 'whole seconds are exact', ms: 2_000, want: 2 },
    { note: 'float noise above a whole second does not add one', ms: 2_000.0000000001, want: 2 },
  ];
  for (const c of rounding) test(`toSeconds: ${c.note}`, () => assert.equal(toSeconds(c.ms), c.want));

  test('headers can be limited to Retry-After', () => {
    assert.deepEqual(quotaHeaders(states, { includeRateLimit: false, retryAfterSeconds: 3 }), {
      'retry-after': '3',
    });
    assert.deepEqual(quotaHeaders([], { includeRateLimit: true }), {});
  });
});
