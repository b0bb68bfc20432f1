/**
 * @module Audit benchmark (`npm run bench:audit`): write throughput (no-op baseline, pino only, full log
 * with chaining and checkpoints), export and verify throughput on generated 100k and 1M-record logs, with
 * peak RSS of each run measured in its own process so memory growth with log size is visible, and the log's
 * cost to a real sidecar (audit off vs on, needs wrk).
 * Env: BENCH_RECORDS (default 1000000), BENCH_WRITE (records per write sample, default 200000), SAMPLES (3),
 * SIDECAR_DURATION (s per sidecar run, 5), SIDECAR_ROUNDS (3), AUDIT_BENCH_PORT (first of the 32 ports the sidecar
 * table uses, 19280).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import {
  type AuditConfig,
  type AuthzEvent,
  auditConfigSchema,
  exportLogs,
  openAuditLog,
  readVerificationKeys,
  verifyLog,
} from '../audit/index.js';
import { createLogger } from '../lib/logger.js';
import { measureSidecarAuditOverhead } from './audit-sidecar-overhead.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const WRITE = Number(process.env.BENCH_WRITE ?? 200_000);
const SAMPLES = Number(process.env.SAMPLES ?? 3);
const IDENTITY = 'spiffe://bench.local/ns/default/sa/web-sidecar';

function event(i: number): AuthzEvent {
  return {
    kind: 'authz',
    decision: i % 7 === 0 ? 'deny' : 'allow',
    request_id: `req-${i}`,
    source: {
      principal: 'spiffe://bench.local/ns/shop/sa/cart',
      address: '10.0.0.7',
      port: 40000 + (i % 20000),
      mtls: true,
    },
    destination: { service: 'orders', principal: IDENTITY, port: 8443 },
    request: { protocol: 'http1', method: 'GET', path: `/orders/${i}`, host: 'orders.shop' },
    policy: { entrypoint: 'palisade/authz/allow', revision: 'sha256:5f1c' },
    status: i % 7 === 0 ? 403 : 200,
    latency_us: 40 + (i % 50),
  };
}

const config = (over: Record<string, unknown> = {}): AuditConfig =>
  auditConfigSchema.parse({ buffer_records: 1_000_000, ...over });

function rate(n: number, ns: bigint): number {
  return n / (Number(ns) / 1e9);
}

/**
 * Run `fn` and return records per wall-clock second and per CPU second (user + system, all threads of
 * this process). On a shared, oversubscribed machine the CPU figure is the one that compares across runs.
 */
async function measure(n: number, fn: () => Promise<void> | void): Promise<Rates> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fn();
  const wall = rate(n, process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

interface Rates {
  wall: number;
  cpu: number;
}

// --- write throughput ---

async function noopBaseline(n: number): Promise<Rates> {
  // The harness alone: build the event and hand it to a function that does nothing.
  let sink = 0;
  const record = (e: AuthzEvent) => {
    sink += e.status ?? 0;
  };
  const r = await measure(n, () => {
    for (let i = 0; i < n; i++) record(event(i));
  });
  if (sink === -1) console.log(sink);
  return r;
}

async function pinoOnly(n: number): Promise<Rates> {
  // Plain pino logging of the same object to a discarding stream (no chain, no file).
  const logger = pino({ base: null, timestamp: false }, { write() {} });
  return measure(n, () => {
    for (let i = 0; i < n; i++) logger.info(event(i));
  });
}

async function fullLog(n: number, dir: string, every: number): Promise<Rates & { hotPathNs: number }> {
  const log = await openAuditLog(config({ checkpoint: { every_records: every } }), {
    stateDir: dir,
    identity: IDENTITY,
    timers: false,
    logger: createLogger({ level: 'error' }),
  });
  let hotCpu = 0;
  const r = await measure(n, async () => {
    for (let i = 0; i < n; i += 10_000) {
      const c0 = process.cpuUsage();
      for (let j = i; j < Math.min(n, i + 10_000); j++) log.record(event(j));
      const c = process.cpuUsage(c0);
      hotCpu += c.user + c.system;
      // Let the drain loop run between bursts, as it does between requests in a server.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await log.flush();
  });
  await log.close();
  return { ...r, hotPathNs: (hotCpu * 1000) / n };
}

// --- generated logs, export and verify in child processes ---

async function generate(dir: string, n: number): Promise<void> {
  const log = await openAuditLog(config({ checkpoint: { every_records: 10_000 } }), {
    stateDir: dir,
    identity: IDENTITY,
    timers: false,
    logger: createLogger({ level: 'error' }),
  });
  for (let i = 0; i < n; i += 20_000) {
    for (let j = i; j < Math.min(n, i + 20_000); j++) log.record(event(j));
    await log.flush();
  }
  await log.close();
}

interface ChildResult extends Rates {
  records: number;
  maxRssMiB: number;
  heapAfterGcMiB: number;
}

/** The target for export and verify, records per second. */
const TARGET = 100_000;
const CHILD_OPS = ['export', 'export-csv', 'export-ocsf', 'verify'] as const;

/**
 * Old-space cap for a second run of export/verify on the largest log: finishing it under the cap shows
 * memory is bounded. Throughput is measured without it, as the CLI runs: any cap makes V8 keep the old
 * generation small and mark-compact far more often (~50 times instead of 4 on a 300k-record export,
 * ~25% slower), which is a cost of the cap, not of the export.
 */
const HEAP_CAP_MIB = 64;

async function child(op: string, dir: string): Promise<void> {
  let records = 0;
  const discard = () => new Writable({ write: (_c, _e, cb) => cb() });
  const run = async () => {
    if (op === 'verify') {
      const result = await verifyLog(dir, await readVerificationKeys(join(dir, 'audit-keys.jwks.json')));
      if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result.problem)}`);
      records = result.records;
    } else {
      const format = op === 'export-csv' ? 'csv' : op === 'export-ocsf' ? 'ocsf' : 'jsonl';
      records = (await exportLogs({ dirs: [dir], filter: {}, format, out: discard() })).exported;
    }
  };
  // Rates need the count, known only at the end: measure with n = 1 and scale.
  const r = await measure(1, run);
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  // What is still retained once garbage is collected: flat if nothing accumulates with log size.
  (globalThis as { gc?: () => void }).gc?.();
  const result: ChildResult = {
    records,
    wall: r.wall * records,
    cpu: r.cpu * records,
    maxRssMiB,
    heapAfterGcMiB: process.memoryUsage().heapUsed / 1024 ** 2,
  };
  process.stdout.write(JSON.stringify(result));
}

function runChild(op: string, dir: string, capped: boolean): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const flags = ['--expose-gc', ...(capped ? [`--max-old-space-size=${HEAP_CAP_MIB}`] : [])];
  const r = spawnSync(process.execPath, [...flags, self, '--child', op, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${op} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

// --- report ---

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'palisade-bench-audit-'));
  try {
    const samples = async <T extends Rates>(fn: (s: number) => Promise<T>): Promise<T[]> => {
      const out: T[] = [];
      for (let s = 0; s < SAMPLES; s++) out.push(await fn(s));
      return out;
    };
    const pick = <T extends Rates>(xs: T[]): T => {
      const sorted = [...xs].sort((a, b) => a.cpu - b.cpu);
      return sorted[Math.floor(sorted.length / 2)] as T;
    };
    const base = pick(await samples(() => noopBaseline(WRITE)));
    const p = pick(await samples(() => pinoOnly(WRITE)));
    const full = pick(await samples((s) => fullLog(WRITE, join(root, `w${s}`), 10_000)));
    const frequent = pick(await samples((s) => fullLog(WRITE, join(root, `f${s}`), 1_000)));
    const rows: [string, Rates][] = [
      ['no-op baseline (build event, call no-op)', base],
      ['pino only, discarding stream', p],
      ['audit log: chain + checkpoint/10k + file', full],
      ['audit log: chain + checkpoint/1k + file', frequent],
    ];
    const load = loadavg()[0]?.toFixed(1);
    console.log(
      `\nAudit write throughput (node ${process.version}, commit ${commit()}, ${WRITE.toLocaleString('en-US')} records x ${SAMPLES} samples, median; load average ${load} on ${cpus().length} CPUs)`,
    );
    console.log(
      `${'case'.padEnd(44)} ${'rec/CPU-s'.padStart(12)} ${'vs base'.padStart(8)} ${'vs pino'.padStart(8)} ${'rec/s wall'.padStart(12)}`,
    );
    for (const [name, r] of rows) {
      console.log(
        `${name.padEnd(44)} ${fmt(r.cpu)} ${(r.cpu / base.cpu).toFixed(3).padStart(8)} ${(r.cpu / p.cpu).toFixed(3).padStart(8)} ${fmt(r.wall)}`,
      );
    }
    console.log(`record() hot path (enqueue only): ${full.hotPathNs.toFixed(0)} CPU-ns per call`);

    const sizes = [Math.min(100_000, RECORDS), RECORDS];
    const results: (ChildResult & { op: string; size: number; capped: boolean })[] = [];
    console.log(
      `\nExport and verify on generated logs (each run in its own process with node's default heap, as the CLI runs; the largest log once more with old space capped at ${HEAP_CAP_MIB} MiB; peak RSS, heap retained after GC)`,
    );
    console.log(
      `${'operation'.padEnd(21)} ${'records'.padStart(10)} ${'rec/CPU-s'.padStart(12)} ${'vs target'.padStart(9)} ${'rec/s wall'.padStart(12)} ${'vs target'.padStart(9)} ${'peak RSS MiB'.padStart(13)} ${'heap MiB'.padStart(9)}`,
    );
    for (const [i, n] of sizes.entries()) {
      const dir = join(root, `log-${i}-${n}`);
      const g = await measure(n, () => generate(dir, n));
      console.log(`${'generate'.padEnd(21)} ${fmt(n).slice(2)} ${fmt(g.cpu)} ${fmt(g.wall)}`);
      const runs = CHILD_OPS.map((op) => ({ op, capped: false }));
      if (n === RECORDS) runs.push(...CHILD_OPS.map((op) => ({ op, capped: true })));
      for (const { op, capped } of runs) {
        const r = runChild(op, join(dir, 'audit'), capped);
        const name = capped ? `${op} (${HEAP_CAP_MIB} MiB)` : op;
        console.log(
          `${name.padEnd(21)} ${fmt(r.records).slice(2)} ${fmt(r.cpu)} ${(r.cpu / TARGET).toFixed(2).padStart(9)} ${fmt(r.wall)} ${(r.wall / TARGET).toFixed(2).padStart(9)} ${r.maxRssMiB.toFixed(1).padStart(13)} ${r.heapAfterGcMiB.toFixed(1).padStart(9)}`,
        );
        results.push({ op, size: n, capped, ...r });
      }
      await rm(dir, { recursive: true, force: true });
    }
    console.log(
      `target: >= ${TARGET.toLocaleString('en-US')} records/s each ("vs target" >= 1.00), memory flat as the log grows:`,
    );
    for (const op of CHILD_OPS) {
      const [small, large] = sizes.map(
        (n) => results.find((x) => x.op === op && x.size === n && !x.capped) as ChildResult,
      );
      if (small === undefined || large === undefined || sizes[0] === sizes[1]) continue;
      console.log(
        `  ${op.padEnd(12)} peak RSS ${small.maxRssMiB.toFixed(1)} MiB at ${fmt(small.records).trim()} -> ${large.maxRssMiB.toFixed(1)} MiB at ${fmt(large.records).trim()} records (x${(large.maxRssMiB / small.maxRssMiB).toFixed(2)} for x${(large.records / small.records).toFixed(0)} records)`,
      );
    }
    const overhead = await measureSidecarAuditOverhead({
      duration: Number(process.env.SIDECAR_DURATION ?? 5),
      connections: 50,
      rounds: Number(process.env.SIDECAR_ROUNDS ?? 3),
    });
    console.log('\nAudit on a sidecar: server sidecar (mTLS, shipped Wasm policy) with the log off and on');
    if (typeof overhead === 'string') console.log(overhead);
    else {
      console.log(`${'server sidecar'.padEnd(16)} ${'req/s'.padStart(8)} ${'CPU µs/req'.padStart(11)}`);
      for (const f of [overhead.off, overhead.on])
        console.log(`${f.name.padEnd(16)} ${fmt(f.rps).slice(4)} ${f.cpuUs.toFixed(0).padStart(11)}`);
      console.log(
        `throughput cost of audit: ${overhead.costPercent.toFixed(1)}% (from the CPU per request; req/s ratio ${((100 * overhead.on.rps) / overhead.off.rps).toFixed(1)}%; target <= 5%)`,
      );
    }
    console.log(
      `\n${JSON.stringify({ bench: 'audit', node: process.version, commit: commit(), load: loadavg(), write: { baseline: base, pino: p, full, frequent }, logs: results, sidecarOverhead: overhead })}`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string);
else await main();
