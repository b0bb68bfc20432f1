/**
 * Tests for global limits through the enforcer against a real Redis: two enforcers sharing one Redis
 * stand in for two sidecars (exact counts under concurrency), window boundaries on an injected clock,
 * refunds of local charges, headers and metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/logger.js';
import {
  createQuotaEnforcer,
  parseLimits,
  parseQuotaConfig,
  type QuotaDecision,
  type QuotaEnforcer,
} from '../../../sidecar/quota/index.js';
import { REDIS_SKIP, TestRedis } from '../../helpers/redis.js';

const T0 = 1_700_000_000_000;

// One server for the file; each test gets its own key prefix, so tests never see each other's buckets.
let redis: TestRedis;
let tests = 0;
before(async () => {
  if (REDIS_SKIP === undefined) redis = await TestRedis.create();
});
after(async () => {
  await redis?.dispose();
});

async function sidecars(
  t: { after(fn: () => Promise<void>): void },
  n: number,
  global: Record<string, unknown> = {},
) {
  const prefix = `test${++tests}:`;
  const clock = { t: T0, now: () => clock.t };
  const out: { e: QuotaEnforcer; registry: Registry }[] = [];
  for (let i = 0; i < n; i++) {
    const registry = new Registry();
    const e = await createQuotaEnforcer(
      parseQuotaConfig({
        global: {
          redis: { url: redis.url },
          time_source: 'sidecar',
          timeout: '5s',
          key_prefix: prefix,
          ...global,
        },
      }),
      { metricsRegistry: registry, logger: createLogger({ level: 'silent' }), clock },
    );
    t.after(() => e.close());
    await e.whenRedisReady();
    out.push({ e, registry });
  }
  return { clock, sidecars: out };
}

const orders = (over: Record<string, unknown> = {}) =>
  parseLimits([
    {
      name: 'orders',
      key: 'spiffe://example.org/ns/shop/sa/web',
      limit: 30,
      window: '1m',
      scope: 'global',
      ...over,
    },
  ]);

const allowed = (ds: readonly QuotaDecision[]) => ds.filter((d) => d.allowed).length;

/** `n` parallel callers spread round-robin over the enforcers. */
function burst(es: readonly QuotaEnforcer[], limits: Parameters<QuotaEnforcer['check']>[0], n: number) {
  return Promise.all(Array.from({ length: n }, (_, i) => (es[i % es.length] as QuotaEnforcer).check(limits)));
}

describe('enforcer: global limits on a shared Redis', { skip: REDIS_SKIP, timeout: 120_000 }, () => {
  test('two sidecars, 120 parallel callers: exactly `limit` admitted mesh-wide', async (t) => {
    const { sidecars: s } = await sidecars(t, 2);
    const es = s.map((x) => x.e);
    const ds = await burst(es, orders(), 120);
    assert.equal(allowed(ds), 30);
    // Each sidecar alone sent 60 > 30 requests: a per-process limit would have admitted 60 in total.
    assert.equal(ds.filter((d, i) => !d.allowed && i % 2 === 1).length > 0, true);
    assert.equal(ds.filter((d, i) => !d.allowed && i % 2 === 0).length > 0, true);
    const denied = ds.find((d) => !d.allowed);
    assert.ok(denied !== undefined && !denied.allowed);
    assert.deepEqual(
      { limit: denied.limit, scope: denied.scope, reason: denied.reason, retry: denied.retryAfterSeconds },
      { limit: 'orders', scope: 'global', reason: 'exceeded', retry: 2 },
    );
    assert.deepEqual(denied.headers, {
      'ratelimit-policy': '"orders";q=30;w=60',
      ratelimit: '"orders";r=0;t=60',
      'retry-after': '2',
    });
    const text = await (s[0] as { registry: Registry }).registry.metrics();
    assert.match(
      text,
      /palisade_quota_limit_decisions_total\{limit="orders",scope="global",decision="denied",via="redis"\} \d+/,
    );
    assert.match(text, /palisade_quota_redis_up 1/);
  });

  test('requests of one tick share a script call: each is decided in order and all or nothing', async (t) => {
    const { sidecars: s } = await sidecars(t, 1);
    const e = (s[0] as { e: QuotaEnforcer }).e;
    const both = parseLimits([
      { name: 'wide', key: 'k', limit: 2, window: '1h', scope: 'global' },
      { name: 'narrow', key: 'k', limit: 1, window: '1h', scope: 'global' },
    ]);
    const wideOnly = parseLimits([{ name: 'wide', key: 'k', limit: 2, window: '1h', scope: 'global' }]);
    // Four requests started in the same tick go to Redis together.
    const ds = await Promise.all([e.check(both), e.check(both), e.check(both), e.check(wideOnly)]);
    assert.deepEqual(
      ds.map((d) => d.allowed),
      [true, false, false, true],
      'the 2nd and 3rd are refused by "narrow" and charge "wide" nothing, so the 4th still fits',
    );
    const refused = ds[1];
    assert.ok(refused !== undefined && !refused.allowed && refused.limit === 'narrow');
    assert.equal((await e.check(wideOnly)).allowed, false, '"wide" is now spent');
  });

  test('window boundaries on the injected clock, across both sidecars', async (t) => {
    const { sidecars: s, clock } = await sidecars(t, 2);
    const es = s.map((x) => x.e);
    const limits = orders({ limit: 60 });
    clock.t = T0 + 59_999;
    assert.equal(allowed(await burst(es, limits, 100)), 60, 'a burst at the end of a minute');
    clock.t = T0 + 60_001;
    assert.equal(allowed(await burst(es, limits, 100)), 0, 'no second burst at the start of the next');
    clock.t = T0 + 59_999 + 30_000;
    assert.equal(allowed(await burst(es, limits, 100)), 30, 'half a window refills half');
    clock.t += 120_000;
    assert.equal(allowed(await burst(es, limits, 100)), 60, 'an idle window refills all');
  });

  test('keys are independent; one request with a local and a global limit is charged all or nothing', async (t) => {
    const { sidecars: s } = await sidecars(t, 1);
    const e = (s[0] as { e: QuotaEnforcer }).e;
    const mixed = parseLimits([
      { name: 'per-replica', key: 'k', limit: 100, window: 60, scope: 'local' },
      { name: 'mesh', key: 'k', limit: 2, window: 60, scope: 'global' },
    ]);
    const ds: QuotaDecision[] = [];
    for (let i = 0; i < 4; i++) ds.push(await e.check(mixed));
    assert.deepEqual(
      ds.map((d) => d.allowed),
      [true, true, false, false],
    );
    const last = ds[3] as QuotaDecision;
    assert.ok(!last.allowed);
    assert.equal(last.limit, 'mesh');
    assert.equal(
      last.headers.ratelimit,
      '"per-replica";r=98;t=2, "mesh";r=0;t=60',
      'local charges given back',
    );
    const other = await e.check(orders({ key: 'another-caller', limit: 1 }));
    assert.equal(other.allowed, true, 'another key has its own bucket');
    // The callback form answers after the round trip, with the same decision.
    const viaCallback = await new Promise((resolve) =>
      e.decide(orders({ key: 'another-caller', limit: 1 }), resolve),
    );
    assert.equal((viaCallback as QuotaDecision).allowed, false);
  });
});
