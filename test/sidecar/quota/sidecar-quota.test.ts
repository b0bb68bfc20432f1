/**
 * Quota enforced by real sidecars: requests go through a client sidecar and mutual TLS into a server
 * sidecar whose policy returns limits. Exact counts under concurrency for local limits and for a global
 * limit shared by two server sidecars through one real Redis; 429 with Retry-After and RateLimit headers,
 * gRPC RESOURCE_EXHAUSTED, 503 while Redis is down (`on_unavailable: deny`), fail closed on unusable
 * limits, one `quota` audit record per refusal, and the shipped policies built with the generated decision
 * module (authorization and limits in one evaluation).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PACKAGE_ROOT } from '../../../lib/package-info.js';
import { sampleInputs } from '../../../sidecar/authz/samples.js';
import { createEvaluator } from '../../../sidecar/authz/wasm-evaluator.js';
import type { PolicyInput, QuotaDecisionEvent } from '../../../sidecar/index.js';
import { staticEngine } from '../../../sidecar/index.js';
import { buildPolicyBundle } from '../../../sidecar/up/policy-bundle.js';
import { h2Request, h2Session, httpGet, startH1Echo, startH2cEcho } from '../../helpers/net.js';
import { REDIS_SKIP, TestRedis } from '../../helpers/redis.js';
import { tempDir } from '../../helpers/tmp.js';
import { makePki, memoryAudit, ORDERS, type Pki, sidecarFor, WEB } from '../fixtures/mesh.js';

const POLICIES = join(PACKAGE_ROOT, 'policies');

let pki: Pki;
before(async () => {
  pki = await makePki();
});

type Limits = (input: PolicyInput) => unknown;

/** A policy that allows everything and returns `limits(input)` as the quota entrypoint's value. */
function quotaPolicy(limits: Limits) {
  return staticEngine({
    evaluate: (input: PolicyInput) => ({ allow: true, reason: 'allowed', limits: limits(input) }),
  });
}

/** A server sidecar (with `quota` config and a limits policy) behind a client sidecar; returns the app port. */
async function meshWith(
  t: Parameters<typeof sidecarFor>[0],
  appPort: number,
  quota: Record<string, unknown>,
  limits: Limits,
  appProtocol: 'http1' | 'h2c' = 'http1',
) {
  const audit = memoryAudit();
  const server = await sidecarFor(
    t,
    ORDERS,
    pki.orders,
    {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${appPort}`, app_protocol: appProtocol }],
      quota,
    },
    { policyEngine: quotaPolicy(limits), auditSink: audit },
  );
  const client = await sidecarFor(t, WEB, pki.web, {
    outbound: [
      { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
    ],
  });
  return { server, audit, port: client.outbound[0]?.port as number };
}

const perCaller =
  (limit: number, over: Record<string, unknown> = {}) =>
  (input: PolicyInput) => [
    { name: 'per-caller', key: input.source.principal, limit, window: '1h', scope: 'local', ...over },
  ];

describe('quota in the sidecar: local limits', () => {
  test('exactly `limit` of 12 parallel requests pass; the rest get 429 with Retry-After and RateLimit headers', async (t) => {
    const app = await startH1Echo(t);
    const { port, audit, server } = await meshWith(t, app.port, {}, perCaller(5));
    const answers = await Promise.all(Array.from({ length: 12 }, () => httpGet(port, '/api/orders')));
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(ok.length, 5);
    assert.equal(limited.length, 7);
    assert.equal(app.seen.length, 5, 'refused requests never reach the app');
    for (const a of ok) {
      assert.equal(a.headers['ratelimit-policy'], '"per-caller";q=5;w=3600');
      assert.match(String(a.headers.ratelimit), /^"per-caller";r=[0-4];t=\d+$/);
    }
    for (const a of limited) {
      const body = JSON.parse(a.body) as { error: string; reason: string; request_id: string };
      assert.equal(body.error, 'too_many_requests');
      assert.equal(body.reason, 'quota exceeded: per-caller (local)');
      assert.equal(a.headers['x-request-id'], body.request_id);
      // One token refills every 720 s (5 per hour).
      assert.ok(Number(a.headers['retry-after']) > 0 && Number(a.headers['retry-after']) <= 720);
      assert.equal(a.headers['ratelimit-policy'], '"per-caller";q=5;w=3600');
      assert.match(String(a.headers.ratelimit), /^"per-caller";r=0;t=\d+$/);
    }
    const quotaRecords = audit.events.filter((e): e is QuotaDecisionEvent => e.kind === 'quota');
    assert.equal(quotaRecords.length, 7);
    for (const e of quotaRecords) {
      assert.equal(e.decision, 'deny');
      assert.equal(e.status, 429);
      assert.equal(e.source.principal, WEB);
      assert.deepEqual(e.quota, { name: 'per-caller', limit: 5, remaining: 0, window_ms: 3_600_000 });
    }
    assert.equal(audit.events.filter((e) => e.kind === 'authz' && e.decision === 'allow').length, 5);
    const metrics = await server.metrics.registry.metrics();
    assert.match(metrics, /palisade_sidecar_requests_total\{[^}]*decision="deny",code="429"\} 7/);
  });

  test('gRPC over the limit gets grpc-status 8 (RESOURCE_EXHAUSTED) naming the limit', async (t) => {
    const app = await startH2cEcho(t);
    const { server } = await meshWith(t, app.port, {}, perCaller(1), 'h2c');
    const session = await h2Session(t, server.inbound[0]?.port as number, pki.web);
    const call = () =>
      h2Request(
        session,
        { ':method': 'POST', ':path': '/orders.v1.Orders/Get', 'content-type': 'application/grpc' },
        'payload',
      );
    const first = await call();
    assert.equal(first.trailers['grpc-status'], '0');
    const second = await call();
    assert.equal(second.headers[':status'], 200);
    assert.equal(second.headers['grpc-status'], '8');
    assert.equal(second.headers['grpc-message'], 'quota exceeded: per-caller (local)');
    assert.ok(Number(second.headers['retry-after']) > 0);
    assert.equal(app.seen.length, 1);
  });

  test('a policy returning unusable limits fails closed: 403 and an authz error record saying why', async (t) => {
    const app = await startH1Echo(t);
    const cases: [string, Limits][] = [
      ['undefined', () => undefined],
      ['not a set', () => 'many'],
      [
        'negative limit',
        (i) => [{ name: 'x', key: i.source.principal, limit: -1, window: '1m', scope: 'local' }],
      ],
    ];
    for (const [label, limits] of cases) {
      const { port, audit } = await meshWith(t, app.port, {}, limits);
      const answer = await httpGet(port, '/api/orders');
      assert.equal(answer.status, 403, label);
      assert.match(JSON.parse(answer.body).reason, /^quota policy returned unusable limits: /, label);
      assert.equal(audit.events[0]?.kind, 'authz', label);
      assert.equal(audit.events[0]?.decision, 'error', label);
    }
    assert.equal(app.seen.length, 0);
  });
});

describe('quota in the sidecar: global limits through Redis', { skip: REDIS_SKIP, timeout: 120_000 }, () => {
  let redis: TestRedis;
  let prefixes = 0;
  before(async () => {
    redis = await TestRedis.create();
  });
  after(async () => {
    await redis?.dispose();
  });
  const globalQuota = (over: Record<string, unknown> = {}) => ({
    global: { redis: { url: redis.url }, key_prefix: `sidecar${++prefixes}:`, timeout: '2s', ...over },
  });
  const shared =
    (limit: number, over: Record<string, unknown> = {}) =>
    () => [{ name: 'service-total', key: 'orders', limit, window: '1h', scope: 'global', ...over }];

  test('two server sidecars sharing one Redis admit exactly `limit` of 60 parallel requests', async (t) => {
    const app = await startH1Echo(t);
    const quota = globalQuota();
    const a = await meshWith(t, app.port, quota, shared(25));
    const b = await meshWith(t, app.port, quota, shared(25));
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => httpGet(i % 2 === 0 ? a.port : b.port, '/api/orders')),
    );
    assert.equal(answers.filter((x) => x.status === 200).length, 25);
    assert.equal(answers.filter((x) => x.status === 429).length, 35);
    assert.equal(app.seen.length, 25);
    const refused = [...a.audit.events, ...b.audit.events].filter((e) => e.kind === 'quota');
    assert.equal(refused.length, 35);
  });

  test('Redis down with on_unavailable: deny gives 503 with Retry-After: 1; enforcement resumes after', async (t) => {
    const app = await startH1Echo(t);
    const { port, server } = await meshWith(
      t,
      app.port,
      globalQuota(),
      shared(100, { on_unavailable: 'deny' }),
    );
    await server.quota?.whenRedisReady();
    assert.equal((await httpGet(port, '/api/orders')).status, 200);
    await redis.stop();
    try {
      const down = await httpGet(port, '/api/orders');
      assert.equal(down.status, 503);
      assert.equal(down.headers['retry-after'], '1');
      assert.equal(
        JSON.parse(down.body).reason,
        'quota unavailable: service-total (global) cannot be checked',
      );
    } finally {
      await redis.restart();
    }
    await server.quota?.whenRedisReady();
    assert.equal((await httpGet(port, '/api/orders')).status, 200);
  });

  test('the shipped policies with the decision module: one evaluation answers allow and limits', async (t) => {
    const dir = await tempDir(t, 'palisade-quota-bundle-');
    const built = await buildPolicyBundle(POLICIES, join(dir, 'bundle'), { quota: 'palisade/quota/limits' });
    const evaluator = await createEvaluator({
      wasm: await readFile(join(built.dir, 'policy.wasm')),
      data: {},
      allow: 'palisade/authz/allow',
      reason: 'palisade/authz/reason',
      quota: 'palisade/quota/limits',
    });
    assert.equal(evaluator.mode, 'decision');
    // A request the shipped policy allows (web reads orders): the limits come with the allow.
    const base = sampleInputs()[0] as PolicyInput;
    const allowed = {
      ...base,
      source: {
        ...base.source,
        principal: 'spiffe://example.org/ns/demo/sa/web',
        namespace: 'demo',
        service_account: 'web',
      },
      destination: {
        ...base.destination,
        principal: 'spiffe://example.org/ns/demo/sa/orders',
        service: 'orders',
      },
      request: { ...base.request, method: 'GET', path: '/api/orders/42' },
    } as PolicyInput;
    const decision = await evaluator.evaluate(allowed);
    assert.equal(decision.allow, true);
    assert.equal(decision.reason, undefined, 'the reason is only evaluated for refusals');
    const names = (decision.limits as { name: string }[]).map((l) => l.name).sort();
    assert.deepEqual(names, ['caller-burst', 'service-total']);
    // A refused request: the reason, and no limits (quota is never consulted for it).
    const refused = await evaluator.evaluate({
      ...allowed,
      request: { ...allowed.request, method: 'DELETE' },
    } as PolicyInput);
    assert.notEqual(refused.allow, true);
    assert.equal(typeof refused.reason, 'string');
    assert.equal(refused.limits, undefined);

    // And through a real sidecar loading that bundle: the shipped limits show up on the response.
    const app = await startH1Echo(t);
    const server = await sidecarFor(t, ORDERS, pki.orders, {
      inbound: [{ port: 0, protocol: 'http', app: `127.0.0.1:${app.port}`, service: 'orders' }],
      policy: { bundle: built.dir, isolation: 'inline' },
      quota: { entrypoint: 'palisade/quota/limits', ...globalQuota() },
    });
    await server.quota?.whenRedisReady();
    const client = await sidecarFor(t, WEB, pki.web, {
      outbound: [
        { port: 0, service: 'orders', address: `127.0.0.1:${server.inbound[0]?.port}`, identity: ORDERS },
      ],
    });
    const answer = await httpGet(client.outbound[0]?.port as number, '/api/orders/42');
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.headers['ratelimit-policy'], '"caller-burst";q=50;w=1, "service-total";q=10000;w=1');
  });
});
