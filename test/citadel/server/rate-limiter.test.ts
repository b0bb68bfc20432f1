import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateLimiter } from '../../../citadel/server/rate-limiter.js';
import { FakeClock } from '../../helpers/clock.js';

describe('RateLimiter', () => {
  test('per-caller bucket: burst, refill at the rate, retry hint', () => {
    const clock = new FakeClock();
    const rl = new RateLimiter({ perCallerRate: 2, perCallerBurst: 3, maxInFlight: 100 }, clock);
    const take = (caller: string) => {
      const a = rl.admit(caller);
      if (a.ok) a.release();
      return a;
    };
    assert.ok(take('a').ok && take('a').ok && take('a').ok);
    const limited = take('a');
    assert.equal(limited.ok, false);
    assert.ok(!limited.ok && limited.reason === 'caller' && limited.retryAfterMs === 500);
    assert.ok(take('b').ok, 'another caller is not affected');
    clock.add(500);
    assert.ok(take('a').ok, 'one token refilled after 1/rate seconds');
    assert.equal(take('a').ok, false);
  });

  test('global in-flight cap answers overload until requests finish', () => {
    const rl = new RateLimiter({ perCallerRate: 100, perCallerBurst: 100, maxInFlight: 2 }, new FakeClock());
    const a = rl.admit('x');
    const b = rl.admit('y');
    assert.ok(a.ok && b.ok);
    const c = rl.admit('z');
    assert.ok(!c.ok && c.reason === 'overload');
    assert.equal(rl.inFlight, 2);
    if (a.ok) {
      a.release();
      a.release(); // idempotent
    }
    assert.equal(rl.inFlight, 1);
    assert.ok(rl.admit('z').ok);
  });
});
