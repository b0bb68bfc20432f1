/**
 * Tests for the token-bucket arithmetic (the Lua script mirrors it; redis-backend.test.ts checks both agree).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type BucketState,
  giveBack,
  hasTokens,
  msUntilAvailable,
  msUntilFull,
  refill,
  remaining,
  take,
} from '../../../sidecar/quota/token-bucket.js';

const T0 = 1_700_000_000_000;

function admit(
  state: BucketState,
  shape: { capacity: number; windowMs: number },
  now: number,
  cost = 1,
): boolean {
  refill(state, shape, now);
  if (!hasTokens(state, cost)) return false;
  take(state, cost);
  return true;
}

describe('token bucket', () => {
  test('a full bucket admits exactly `capacity` at one instant', () => {
    const shape = { capacity: 7, windowMs: 60_000 };
    const s: BucketState = { tokens: 7, updatedMs: T0 };
    let admitted = 0;
    for (let i = 0; i < 20; i++) if (admit(s, shape, T0)) admitted++;
    assert.equal(admitted, 7);
  });

  test('refill is exact for awkward rates: 7 per minute refills one token every 60000/7 ms', () => {
    const shape = { capacity: 7, windowMs: 60_000 };
    const s: BucketState = { tokens: 0, updatedMs: T0 };
    // 8571.43 ms for one token: not yet at 8571 ms, there at 8572 ms.
    refill(s, shape, T0 + 8571);
    assert.equal(hasTokens(s, 1), false, 'one token needs 8571.43 ms');
    refill(s, shape, T0 + 8572);
    assert.equal(hasTokens(s, 1), true);
    // Refilled in 1 ms steps over a whole window, the bucket is exactly full again (no float drift).
    const t: BucketState = { tokens: 0, updatedMs: T0 };
    for (let ms = 1; ms <= 60_000; ms++) refill(t, shape, T0 + ms);
    assert.equal(remaining(t.tokens), 7);
    assert.equal(msUntilFull(t.tokens, shape), 0);
  });

  test('no 2x burst at any boundary: a burst at the end of a minute leaves nothing at the start of the next', () => {
    const shape = { capacity: 100, windowMs: 60_000 };
    const s: BucketState = { tokens: 100, updatedMs: T0 };
    let burst = 0;
    for (let i = 0; i < 150; i++) if (admit(s, shape, T0 + 59_999)) burst++;
    assert.equal(burst, 100);
    let next = 0;
    for (let i = 0; i < 150; i++) if (admit(s, shape, T0 + 60_001)) next++;
    assert.equal(next, 0, '2 ms later only 0.0033 tokens have refilled');
    let later = 0;
    for (let i = 0; i < 150; i++) if (admit(s, shape, T0 + 59_999 + 30_000)) later++;
    assert.equal(later, 50, 'half a window refills half the limit');
  });

  test('a clock that steps back refills nothing and does not rewind', () => {
    const shape = { capacity: 10, windowMs: 10_000 };
    const s: BucketState = { tokens: 0, updatedMs: T0 };
    refill(s, shape, T0 - 5_000);
    assert.deepEqual(s, { tokens: 0, updatedMs: T0 });
  });

  test('a shrunk limit clamps the tokens', () => {
    const s: BucketState = { tokens: 100, updatedMs: T0 };
    refill(s, { capacity: 10, windowMs: 1000 }, T0);
    assert.equal(s.tokens, 10);
  });

  test('cost, give back, waits', () => {
    const shape = { capacity: 10, windowMs: 10_000 };
    const s: BucketState = { tokens: 10, updatedMs: T0 };
    assert.ok(admit(s, shape, T0, 4));
    assert.equal(remaining(s.tokens), 6);
    assert.equal(msUntilFull(s.tokens, shape), 4_000);
    assert.equal(msUntilAvailable(s.tokens, shape, 8), 2_000);
    assert.equal(msUntilAvailable(s.tokens, shape, 5), 0);
    giveBack(s, shape, 4);
    assert.equal(s.tokens, 10);
    giveBack(s, shape, 4);
    assert.equal(s.tokens, 10, 'never above capacity');
  });
});
