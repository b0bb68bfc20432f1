/**
 * @module Micro-benchmark of the quota enforcer: checks per second with no quota (baseline), local
 * limits, and global limits on a real redis-server (sequential and with requests in flight), each as a
 * ratio to the baseline. Not part of the tests. `npm run bench:quota`; SAMPLES, CONCURRENCY env vars.
 */
import { execFileSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { createLogger } from '../lib/logger.js';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../lib/package-info.js';
import { createQuotaEnforcer, parseQuotaConfig, type QuotaEnforcer } from '../sidecar/quota/index.js';
import { REDIS_SKIP, TestRedis } from '../test/helpers/redis.js';

const SAMPLES = Number(process.env.SAMPLES ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const CALLERS = 1_000;

interface Row {
  name: string;
  opsPerSec: number;
  usPerOp: number;
  /** CPU time of this Node process per check (Redis's own CPU is not in it): the throughput cost. */
  cpuUsPerOp: number;
}

/**
 * What a sidecar pair spends on one request without quota on this class of machine (about 10k req/s,
 * issue #6's measurements): used only to estimate the share of throughput quota would cost until the
 * end-to-end benchmark through real sidecars exists.
 */
const SIDECAR_US_PER_REQUEST = 100;

/** Median ops/s over SAMPLES runs of `run(n)` (after a warmup), timed with hrtime. */
async function measure(name: string, n: number, run: (n: number) => Promise<void>): Promise<Row> {
  await run(n); // warmup: let the JIT settle before anything is timed
  const samples: { rate: number; cpuUs: number }[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await run(n);
    const ns = Number(process.hrtime.bigint() - t0);
    const cpu = process.cpuUsage(cpu0);
    samples.push({ rate: n / (ns / 1e9), cpuUs: (cpu.user + cpu.system) / n });
  }
  samples.sort((a, b) => a.rate - b.rate);
  const median = samples[Math.floor(samples.length / 2)] as { rate: number; cpuUs: number };
  return { name, opsPerSec: median.rate, usPerOp: 1e6 / median.rate, cpuUsPerOp: median.cpuUs };
}

/** What a policy returns for one request of caller `i` (validated per request, as the sidecar will). */
function makeRaw(i: number, scope: 'local' | 'global' | 'mixed'): unknown[] {
  const caller = `spiffe://palisade.local/ns/bench/sa/caller-${i % CALLERS}`;
  const perCaller = { name: 'per-caller', key: caller, limit: 1_000_000_000, window: '1m', scope: 'local' };
  const service = { name: 'service', key: 'orders', limit: 1_000_000_000, window: '1s', scope: 'local' };
  if (scope === 'local') return [perCaller, service];
  if (scope === 'global')
    return [
      { ...perCaller, scope: 'global' },
      { ...service, scope: 'global' },
    ];
  return [perCaller, { ...service, scope: 'global' }];
}

// Built before timing: producing the policy's result is the policy evaluation's cost, not quota's.
const RAW = {
  local: Array.from({ length: CALLERS }, (_, i) => makeRaw(i, 'local')),
  global: Array.from({ length: CALLERS }, (_, i) => makeRaw(i, 'global')),
  mixed: Array.from({ length: CALLERS }, (_, i) => makeRaw(i, 'mixed')),
};

/** `n` checks, `concurrency` in flight at a time. */
async function drive(
  e: QuotaEnforcer,
  n: number,
  concurrency: number,
  scope: 'local' | 'global' | 'mixed' | 'none',
) {
  let next = 0;
  let denied = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const limits = scope === 'none' ? [] : e.parseLimits(RAW[scope][i % CALLERS]);
      const d = await e.check(limits);
      if (!d.allowed) denied++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (denied > 0) throw new Error(`bench: ${denied} checks were denied (limits are meant to admit all)`);
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const logger = createLogger({ level: 'warn' });
  try {
    const local = await createQuotaEnforcer(parseQuotaConfig({}), {
      metricsRegistry: new Registry(),
      logger,
    });
    cleanups.push(() => local.close());
    const rows: Row[] = [];
    rows.push(await measure('no quota (baseline)', 200_000, (n) => drive(local, n, 1, 'none')));
    rows.push(await measure('local: 2 limits', 100_000, (n) => drive(local, n, 1, 'local')));
    if (REDIS_SKIP === undefined) {
      const redis = await TestRedis.start({ after: (fn) => cleanups.unshift(fn as () => Promise<void>) });
      const g = await createQuotaEnforcer(
        parseQuotaConfig({ global: { redis: { url: redis.url }, timeout: '1s' } }),
        { metricsRegistry: new Registry(), logger },
      );
      cleanups.unshift(() => g.close());
      await g.whenRedisReady();
      rows.push(await measure('global: 2 limits, 1 in flight', 5_000, (n) => drive(g, n, 1, 'global')));
      rows.push(
        await measure(`global: 2 limits, ${CONCURRENCY} in flight`, 50_000, (n) =>
          drive(g, n, CONCURRENCY, 'global'),
        ),
      );
      rows.push(
        await measure(`local + global, ${CONCURRENCY} in flight`, 50_000, (n) =>
          drive(g, n, CONCURRENCY, 'mixed'),
        ),
      );
    } else {
      console.error(`bench: global rows skipped: ${REDIS_SKIP}`);
    }
    print(rows);
  } finally {
    for (const fn of cleanups) await fn();
  }
}

function print(rows: readonly Row[]): void {
  const base = (rows[0] as Row).opsPerSec;
  console.log(`quota enforcer: median of ${SAMPLES} samples, node ${process.version}`);
  const baseCpu = (rows[0] as Row).cpuUsPerOp;
  const head = [
    'case'.padEnd(36),
    'checks/s'.padStart(12),
    'µs/check'.padStart(10),
    'vs baseline'.padStart(12),
    'CPU µs/check'.padStart(13),
    'est. sidecar'.padStart(13),
  ];
  console.log(head.join(' '));
  for (const r of rows) {
    // Throughput is bounded by CPU: a sidecar spending SIDECAR_US_PER_REQUEST of CPU per request keeps
    // this share of it when the quota's CPU time is added. Redis's CPU is on another host in production.
    const est = SIDECAR_US_PER_REQUEST / (SIDECAR_US_PER_REQUEST + Math.max(0, r.cpuUsPerOp - baseCpu));
    const cells = [
      r.name.padEnd(36),
      Math.round(r.opsPerSec).toLocaleString('en-US').padStart(12),
      r.usPerOp.toFixed(2).padStart(10),
      (r.opsPerSec / base).toFixed(3).padStart(12),
      r.cpuUsPerOp.toFixed(2).padStart(13),
      `${(est * 100).toFixed(1)}%`.padStart(13),
    ];
    console.log(cells.join(' '));
  }
  console.log(
    `µs/check: wall time (global rows include this machine's redis-server). est. sidecar: throughput kept by a sidecar spending ${SIDECAR_US_PER_REQUEST} µs of CPU per request once the quota's CPU µs/check is added — an estimate until the benchmark through real sidecars exists.`,
  );
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    // not a git checkout
  }
  console.log(
    JSON.stringify({
      bench: 'quota-enforcer',
      version: PACKAGE_VERSION,
      commit,
      node: process.version,
      samples: SAMPLES,
      concurrency: CONCURRENCY,
      rows: rows.map((r) => ({ ...r, ratio: r.opsPerSec / base })),
    }),
  );
}

await main();
