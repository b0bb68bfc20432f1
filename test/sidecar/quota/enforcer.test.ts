/**
 * Tests for the enforcer with local limits: exact counts under concurrency, window boundaries on an
 * injected clock, all-or-nothing across limits, headers, metrics, bounded memory, fail-closed errors.
 * Global limits against a real Redis are in enforcer-global.test.ts and redis-outage.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/logger.js';
import {
  createQuotaEnforcer,
  parseLimits,
  parseQuotaConfig,
  type QuotaDecision,
  type QuotaEnforcer,
} from '../../../sidecar/quota/index.js';

const T0 = 1_700_000_000_000;

function fakeClock(start = T0) {
  return {
    t: start,
    now() {
      return this.t;
    },
  };
}

async function enforcer(
  t: { after(fn: () => Promise<void>): void },
  quota: unknown = {},
  clock = fakeClock(),
): Promise<{ e: QuotaEnforcer; registry: Registry; clock: ReturnType<typeof fakeClock> }> {
  const registry = new Registry();
  const e = await createQuotaEnforcer(parseQuotaConfig(quota), {
    metricsRegistry: registry,
    logger: createLogger({ level: 'silent' }),
    clock,
  });
  t.after(() => e.close());
  return { e, registry, clock };
}

const local = (over: Record<string, unknown> = {}) =>
  parseLimits([
    { name: 'per-caller', key: 'spiffe://example.org/a', limit: 50, window: '1m', scope: 'local', ...over },
  ]);

function count(ds: readonly QuotaDecision[]): number {
  return ds.filter((d) => d.allowed).length;
}

describe('enforcer: local limits', () => {
  test('200 parallel callers: exactly `limit` are admitted, the rest get 429 material', async (t) => {
    const { e } = await enforcer(t);
    const limits = local();
    const ds = await Promise.all(Array.from({ length: 200 }, () => e.check(limits)));
    assert.equal(count(ds), 50);
    const denied = ds.find((d) => !d.allowed);
    assert.ok(denied !== undefined && !denied.allowed);
    assert.equal(denied.limit, 'per-caller');
    assert.equal(denied.scope, 'local');
    assert.equal(denied.key, 'spiffe://example.org/a');
    assert.equal(denied.reason, 'exceeded');
    assert.equal(denied.retryAfterSeconds, 2, 'one token every 1.2 s, rounded up');
    assert.deepEqual(denied.headers, {
      'ratelimit-policy': '"per-caller";q=50;w=60',
      ratelimit: '"per-caller";r=0;t=60',
      'retry-after': '2',
    });
  });

  test('window boundaries on an injected clock: no burst at an edge, a full limit one window later', async (t) => {
    const { e, clock } = await enforcer(t);
    const limits = local({ limit: 60 });
    const burst = async () => count(await Promise.all(Array.from({ length: 100 }, () => e.check(limits))));
    clock.t = T0 + 59_999;
    assert.equal(await burst(), 60, 'the first burst, at the end of a minute');
    clock.t = T0 + 60_001;
    assert.equal(await burst(), 0, 'the start of the next minute gives no second burst');
    clock.t = T0 + 59_999 + 30_000;
    assert.equal(await burst(), 30, 'half a window later, half the limit');
    clock.t += 60_000;
    assert.equal(await burst(), 60, 'a whole idle window later, the whole limit');
    assert.equal(await burst(), 0);
  });

  test('the time can also be passed per call', async (t) => {
    const { e } = await enforcer(t);
    const limits = local({ limit: 1, window: 10 });
    assert.equal((await e.check(limits, T0)).allowed, true);
    assert.equal((await e.check(limits, T0 + 9_999)).allowed, false);
    assert.equal((await e.check(limits, T0 + 10_000)).allowed, true);
  });

  test('all or nothing: a request refused by one limit is not charged to the others', async (t) => {
    const { e } = await enforcer(t);
    const limits = parseLimits([
      { name: 'wide', key: 'k', limit: 10, window: 60, scope: 'local' },
      { name: 'narrow', key: 'k', limit: 3, window: 60, scope: 'local' },
    ]);
    const ds = [];
    for (let i = 0; i < 5; i++) ds.push(await e.check(limits));
    assert.deepEqual(
      ds.map((d) => d.allowed),
      [true, true, true, false, false],
    );
    const last = ds[4] as QuotaDecision;
    assert.ok(!last.allowed);
    assert.equal(last.limit, 'narrow');
    assert.equal(
      last.headers.ratelimit,
      '"wide";r=7;t=18, "narrow";r=0;t=60',
      'wide was charged 3 times, not 5',
    );
  });

  test('the limit with the longest wait is named when several refuse', async (t) => {
    const { e } = await enforcer(t);
    const limits = parseLimits([
      { name: 'short', key: 'k', limit: 1, window: 1, scope: 'local' },
      { name: 'long', key: 'k', limit: 1, window: 3600, scope: 'local' },
    ]);
    await e.check(limits);
    const d = await e.check(limits);
    assert.ok(!d.allowed);
    assert.equal(d.limit, 'long');
    assert.equal(d.retryAfterSeconds, 3600);
  });

  test('cost: a request of cost 5 waits for 5 tokens', async (t) => {
    const { e, clock } = await enforcer(t);
    assert.equal((await e.check(local({ limit: 10, window: 10, cost: 8 }))).allowed, true);
    const d = await e.check(local({ limit: 10, window: 10, cost: 5 }));
    assert.ok(!d.allowed);
    assert.equal(d.retryAfterSeconds, 3);
    clock.t += 3_000;
    assert.equal((await e.check(local({ limit: 10, window: 10, cost: 5 }))).allowed, true);
  });

  test('allowed responses carry RateLimit headers unless response_headers is false', async (t) => {
    const { e } = await enforcer(t);
    const d = await e.check(local({ limit: 100 }));
    assert.deepEqual(d.headers, {
      'ratelimit-policy': '"per-caller";q=100;w=60',
      ratelimit: '"per-caller";r=99;t=1',
    });
    const { e: quiet } = await enforcer(t, { response_headers: false });
    assert.deepEqual((await quiet.check(local({ limit: 1 }))).headers, {});
    const denied = await quiet.check(local({ limit: 1 }));
    assert.equal(denied.headers['retry-after'], '60', 'a 429 always says when to retry');
    assert.equal(denied.headers.ratelimit, '"per-caller";r=0;t=60');
  });

  test('no limits: allowed, no headers', async (t) => {
    const { e } = await enforcer(t);
    assert.deepEqual(await e.check([]), { allowed: true, headers: {} });
  });

  test('decisions, checks and malformed results are counted', async (t) => {
    const { e, registry } = await enforcer(t);
    for (let i = 0; i < 3; i++) await e.check(local({ limit: 2 }));
    assert.throws(() => e.parseLimits([{ name: 'x' }]), { code: 'ERR_QUOTA_LIMIT_INVALID' });
    const text = await registry.metrics();
    assert.match(
      text,
      /palisade_quota_limit_decisions_total\{limit="per-caller",scope="local",decision="allowed",via="local"\} 2/,
    );
    assert.match(
      text,
      /palisade_quota_limit_decisions_total\{limit="per-caller",scope="local",decision="denied",via="local"\} 1/,
    );
    assert.match(text, /palisade_quota_checks_total\{decision="error"\} 1/);
    assert.match(text, /palisade_quota_invalid_limits_total 1/);
  });

  test('key cardinality explosion: memory stays at max_keys, evictions are counted, idle keys go', async (t) => {
    const { e, registry, clock } = await enforcer(t, { local: { max_keys: 1_000 } });
    for (let i = 0; i < 20_000; i++) {
      await e.check(local({ key: `spoofed-${i}`, limit: 5, window: 10 }));
    }
    assert.equal(e.stats().localKeys, 1_000);
    const text = await registry.metrics();
    assert.match(text, /palisade_quota_local_evictions_total\{store="local",reason="cap"\} 19000/);
    clock.t += 2_000; // each bucket spent one of 5 tokens per 10 s: full again after 2 s
    assert.equal(e.sweep(), 1_000);
    assert.equal(e.stats().localKeys, 0);
    assert.match(await registry.metrics(), /palisade_quota_local_keys\{store="local"\} 0/);
  });

  test('decide() answers local limits before it returns (no promise on the hot path)', async (t) => {
    const { e } = await enforcer(t);
    const got: unknown[] = [];
    e.decide(local({ limit: 1 }), (d) => got.push(d));
    e.decide(local({ limit: 1 }), (d) => got.push(d));
    assert.equal(got.length, 2, 'both callbacks ran synchronously');
    assert.deepEqual(
      got.map((d) => (d as QuotaDecision).allowed),
      [true, false],
    );
    const errors: unknown[] = [];
    e.decide(parseLimits([{ name: 'g', key: 'k', limit: 1, window: 60, scope: 'global' }]), (d) =>
      errors.push(d),
    );
    assert.equal(errors.length, 1);
    assert.equal(
      (errors[0] as { code?: string }).code,
      'ERR_QUOTA_NO_BACKEND',
      'errors come through done too',
    );
  });

  test('fail closed: a global limit with no Redis configured, and a closed enforcer, reject with a code', async (t) => {
    const { e } = await enforcer(t);
    const mixed = parseLimits([
      { name: 'l', key: 'k', limit: 1, window: 60, scope: 'local' },
      { name: 'g', key: 'k', limit: 5, window: 60, scope: 'global' },
    ]);
    await assert.rejects(e.check(mixed), {
      code: 'ERR_QUOTA_NO_BACKEND',
      message: 'quota: limit "g" has scope global but this sidecar has no quota.global (Redis) configured',
    });
    assert.equal((await e.check(mixed.slice(0, 1))).allowed, true, 'the refused request charged nothing');
    await e.close();
    await assert.rejects(e.check(mixed), {
      code: 'ERR_QUOTA_CLOSED',
      message: 'quota: check() after close()',
    });
  });
});
