/**
 * Tests for Redis outages: the server stopped mid-test and restarted (each `on_unavailable` mode, per
 * limit and as the config default), a frozen (slow) server cut off by the timeout, a Redis that is not
 * there at startup. Requests never wait for Redis; enforcement resumes when it is back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/logger.js';
import {
  createQuotaEnforcer,
  parseLimits,
  parseQuotaConfig,
  type QuotaDecision,
  type QuotaEnforcer,
} from '../../../sidecar/quota/index.js';
import { freePort, REDIS_SKIP, TestRedis } from '../../helpers/redis.js';

const T0 = 1_700_000_000_000;

async function enforcer(
  t: { after(fn: () => Promise<void>): void },
  url: string,
  global: Record<string, unknown> = {},
) {
  const registry = new Registry();
  const clock = { t: T0, now: () => clock.t };
  const e = await createQuotaEnforcer(
    parseQuotaConfig({
      global: {
        redis: { url },
        time_source: 'sidecar',
        timeout: '5s',
        reconnect_max_delay: '100ms',
        ...global,
      },
    }),
    { metricsRegistry: registry, logger: createLogger({ level: 'silent' }), clock },
  );
  t.after(() => e.close());
  return { e, registry, clock };
}

/** Wait (bounded) until a state is reached; the test asserts on states, never on elapsed time. */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting until ${what}`);
}

const limit = (mode?: string) =>
  parseLimits([
    {
      name: 'mesh',
      key: 'caller',
      limit: 10,
      window: '1m',
      scope: 'global',
      ...(mode === undefined ? {} : { on_unavailable: mode }),
    },
  ]);

const burst = (e: QuotaEnforcer, limits: ReturnType<typeof limit>, n: number) =>
  Promise.all(Array.from({ length: n }, () => e.check(limits)));
const allowed = (ds: readonly QuotaDecision[]) => ds.filter((d) => d.allowed).length;

describe('redis outage', { skip: REDIS_SKIP, timeout: 120_000 }, () => {
  const modes = [
    {
      note: 'allow: every request passes while Redis is down',
      mode: 'allow',
      down: 50,
      via: 'unavailable_allow',
    },
    {
      note: 'deny: every request is refused (reason unavailable)',
      mode: 'deny',
      down: 0,
      via: 'unavailable_deny',
    },
    {
      note: 'local: each replica enforces limit / replicas (10 / 2 = 5)',
      mode: 'local',
      down: 5,
      via: 'fallback_local',
    },
  ];
  for (const c of modes) {
    test(`stopped mid-test and restarted, on_unavailable ${c.note}`, async (t) => {
      const redis = await TestRedis.start(t);
      const { e, registry } = await enforcer(t, redis.url, { replicas: 2, on_unavailable: 'deny' });
      await e.whenRedisReady();
      // Per-limit mode (the config default is deny, so `allow` and `local` prove the override wins).
      const limits = limit(c.mode);
      assert.equal(allowed(await burst(e, limits, 4)), 4, 'enforced by Redis');

      await redis.stop();
      await until('the enforcer sees Redis down', () => e.stats().redisReady === false);
      const down = await burst(e, limits, 50);
      assert.equal(allowed(down), c.down);
      const refused = down.find((d) => !d.allowed);
      if (c.mode === 'deny') {
        assert.ok(refused !== undefined && !refused.allowed);
        assert.equal(refused.reason, 'unavailable');
        assert.equal(refused.retryAfterSeconds, 1);
        assert.equal(refused.headers['retry-after'], '1');
      }
      if (c.mode === 'local') {
        assert.ok(refused !== undefined && !refused.allowed);
        assert.equal(refused.reason, 'exceeded');
        assert.equal(
          refused.headers['ratelimit-policy'],
          '"mesh";q=5;w=60',
          'the fallback share is advertised',
        );
      }
      const text = await registry.metrics();
      assert.match(
        text,
        new RegExp(
          `palisade_quota_limit_decisions_total\\{limit="mesh",scope="global",decision="(allowed|denied)",via="${c.via}"\\} \\d+`,
        ),
      );
      assert.match(text, /palisade_quota_redis_failures_total\{reason="unavailable"\} \d+/);
      assert.match(text, /palisade_quota_redis_up 0/);

      await redis.restart();
      await e.whenRedisReady();
      // The restarted Redis lost its memory (no persistence): the mesh-wide bucket starts full.
      assert.equal(allowed(await burst(e, limits, 50)), 10, 'enforced by Redis again');
      assert.match(await registry.metrics(), /palisade_quota_redis_up 1/);
    });
  }

  test('the config default applies to limits without on_unavailable', async (t) => {
    const redis = await TestRedis.start(t);
    const { e } = await enforcer(t, redis.url, { on_unavailable: 'allow' });
    await e.whenRedisReady();
    await redis.stop();
    await until('Redis down', () => e.stats().redisReady === false);
    assert.equal(allowed(await burst(e, limit(), 30)), 30);
  });

  test('a frozen Redis is cut off by the timeout, never hangs a request, and counts a timeout', async (t) => {
    const redis = await TestRedis.start(t);
    const { e, registry } = await enforcer(t, redis.url, { timeout: '100ms', on_unavailable: 'local' });
    await e.whenRedisReady();
    redis.pause();
    t.after(() => redis.resume());
    // Connected but silent: only the timeout can answer these.
    const ds = await burst(e, limit(), 20);
    assert.equal(allowed(ds), 10, 'the local fallback (one replica: the whole limit) decided');
    assert.match(await registry.metrics(), /palisade_quota_redis_failures_total\{reason="timeout"\} 20/);
    redis.resume();
  });

  test('Redis absent at startup: the enforcer starts and requests are decided at once', async (t) => {
    const port = await freePort();
    const { e } = await enforcer(t, `redis://127.0.0.1:${port}/0`, { on_unavailable: 'deny' });
    const d = await e.check(limit());
    assert.ok(!d.allowed);
    assert.equal(d.reason, 'unavailable');
    assert.equal(e.stats().redisReady, false);
  });
});
