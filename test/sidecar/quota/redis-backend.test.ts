/**
 * Tests for the Redis backend against a real redis-server: the Lua script's arithmetic equals
 * token-bucket.ts, all-or-nothing charging, key expiry, EVALSHA with the EVAL fallback, Redis's clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/logger.js';
import { parseQuotaConfig } from '../../../sidecar/quota/config.js';
import { QuotaMetrics } from '../../../sidecar/quota/metrics.js';
import { RedisQuotaBackend } from '../../../sidecar/quota/redis-backend.js';
import { type BucketState, hasTokens, refill, take } from '../../../sidecar/quota/token-bucket.js';
import { REDIS_SKIP, TestRedis } from '../../helpers/redis.js';

const T0 = 1_700_000_000_000;

// One server for the file (each test uses its own keys): starting redis-server is the slow part.
let redis: TestRedis;
before(async () => {
  if (REDIS_SKIP === undefined) redis = await TestRedis.create();
});
after(async () => {
  await redis?.dispose();
});

async function setup(
  t: { after(fn: () => Promise<void> | void): void },
  extra: Record<string, unknown> = {},
) {
  // A generous timeout: these tests are about results, and this machine is shared and noisy.
  const config = parseQuotaConfig({
    global: { redis: { url: redis.url }, time_source: 'sidecar', timeout: '5s', ...extra },
  });
  const backend = new RedisQuotaBackend(config.global as NonNullable<typeof config.global>, {
    logger: createLogger({ level: 'silent' }),
    metrics: new QuotaMetrics(new Registry()),
  });
  t.after(() => backend.close());
  await backend.whenReady();
  const admin = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
  admin.on('error', () => {});
  await admin.connect();
  t.after(() => admin.disconnect());
  return { backend, admin };
}

describe('redis backend', { skip: REDIS_SKIP, timeout: 120_000 }, () => {
  test('the script computes exactly what token-bucket.ts computes', async (t) => {
    const { backend } = await setup(t);
    const shape = { capacity: 7, windowMs: 60_000 };
    const local: BucketState = { tokens: 7, updatedMs: T0 };
    // A fixed pseudo-random walk of times and costs (deterministic: no Math.random in tests).
    let now = T0;
    let seed = 12345;
    for (let i = 0; i < 150; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      now += seed % 9_000;
      const cost = (seed >> 8) % 3;
      refill(local, shape, now);
      const admitted = hasTokens(local, cost);
      if (admitted) take(local, cost);
      const reply = await backend.take([{ redisKey: 'q:mirror', ...shape, cost }], now);
      assert.equal(reply.admitted, admitted, `step ${i}`);
      // Equal up to rounding: the script persists refills only when it charges, so it may add one
      // longer elapsed time where the JS side added two shorter ones.
      assert.ok(Math.abs((reply.tokens[0] as number) - local.tokens) < 1e-9, `step ${i}: tokens`);
    }
  });

  test('all or nothing: one full bucket refuses the request and the other is not charged', async (t) => {
    const { backend, admin } = await setup(t);
    const wide = { redisKey: 'q:wide', capacity: 10, windowMs: 60_000, cost: 1 };
    const narrow = { redisKey: 'q:narrow', capacity: 1, windowMs: 60_000, cost: 1 };
    assert.deepEqual(await backend.take([wide, narrow], T0), { admitted: true, tokens: [9, 0] });
    assert.deepEqual(await backend.take([wide, narrow], T0), { admitted: false, tokens: [9, 0] });
    assert.equal(await admin.hget('q:wide', 't'), '9');
  });

  test('keys expire when their bucket would be full again', async (t) => {
    const { backend, admin } = await setup(t);
    await backend.take([{ redisKey: 'q:ttl', capacity: 10, windowMs: 10_000, cost: 4 }], T0);
    const pttl = await admin.pttl('q:ttl');
    assert.ok(pttl > 3_900 && pttl <= 4_001, `PTTL ${pttl} ≈ 4000 ms until full`);
  });

  test('EVALSHA is used, and a flushed script cache falls back to EVAL transparently', async (t) => {
    const { backend, admin } = await setup(t);
    const b = { redisKey: 'q:sha', capacity: 100, windowMs: 60_000, cost: 1 };
    await admin.config('RESETSTAT');
    for (let i = 0; i < 3; i++) await backend.take([b], T0);
    const calls = async (cmd: string) =>
      Number((await admin.info('commandstats')).match(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`))?.[1] ?? 0);
    assert.equal(await calls('eval'), 1, 'the first call on a connection loads the script with EVAL');
    assert.equal(await calls('evalsha'), 2, 'later calls send only its SHA');
    await admin.script('FLUSH');
    const reply = await backend.take([b], T0);
    assert.deepEqual(reply, { admitted: true, tokens: [96] }, 'NOSCRIPT was answered transparently');
    assert.equal(await calls('eval'), 2, 'after the flush, EVAL loaded it again');
  });

  test("time_source redis: the server's clock refills buckets", async (t) => {
    const { backend } = await setup(t, { time_source: 'redis' });
    // One request a day: nothing refills during the test, whatever the test's own pace.
    const b = { redisKey: 'q:rclock', capacity: 5, windowMs: 86_400_000, cost: 1 };
    const replies = await Promise.all(Array.from({ length: 20 }, () => backend.take([b], 0)));
    assert.equal(replies.filter((r) => r.admitted).length, 5);
  });
});
