/**
 * @module Audit benchmark (`npm run bench:audit`): write throughput (no-op baseline, pino only, full log
 * with chaining and checkpoints), export and verify throughput on generated 100k and 1M-record logs, with
 * peak RSS of each run measured in its own process so memory growth with log size is visible.
 * Env: BENCH_RECORDS (default 1000000), BENCH_WRITE (records per write sample, default 200000), SAMPLES (3).
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

// --- write throughput ---

async function noopBaseline(n: number): Promise<number> {
  // The harness alone: build the event and hand it to a function that does nothing.
  let sink = 0;
  const record = (e: AuthzEvent) => {
    sink += e.status ?? 0;
  };
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) record(event(i));
  const r = rate(n, process.hrtime.bigint() - start);
  if (sink === -1) console.log(sink);
  return r;
}

async function pinoOnly(n: number): Promise<number> {
  // What plain pino logging of the same object to a discarding stream costs (no chain, no file).
  const logger = pino({ base: null, timestamp: false }, { write() {} });
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) logger.info(event(i));
  return rate(n, process.hrtime.bigint() - start);
}

async function fullLog(n: number, dir: string, every: number): Promise<{ total: number; hotPathNs: number }> {
  const log = await openAuditLog(config({ checkpoint: { every_records: every } }), {
    stateDir: dir,
    identity: IDENTITY,
    timers: false,
    logger: createLogger({ level: 'error' }),
  });
  const start = process.hrtime.bigint();
  let hot = 0n;
  for (let i = 0; i < n; i += 10_000) {
    const t0 = process.hrtime.bigint();
    for (let j = i; j < Math.min(n, i + 10_000); j++) log.record(event(j));
    hot += process.hrtime.bigint() - t0;
    // Let the drain loop run between bursts, as it does between requests in a server.
    await new Promise((r) => setImmediate(r));
  }
  await log.flush();
  const total = rate(n, process.hrtime.bigint() - start);
  await log.close();
  return { total, hotPathNs: Number(hot) / n };
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

async function child(op: string, dir: string): Promise<void> {
  const start = process.hrtime.bigint();
  let records = 0;
  if (op === 'export') {
    const out = new Writable({ write: (_c, _e, cb) => cb() });
    records = (await exportLogs({ dirs: [dir], filter: {}, format: 'jsonl', out })).exported;
  } else if (op === 'export-csv') {
    const out = new Writable({ write: (_c, _e, cb) => cb() });
    records = (await exportLogs({ dirs: [dir], filter: {}, format: 'csv', out })).exported;
  } else {
    const result = await verifyLog(dir, await readVerificationKeys(join(dir, 'audit-keys.jwks.json')));
    if (!result.ok) throw new Error(`verify failed: ${JSON.stringify(result.problem)}`);
    records = result.records;
  }
  const ns = process.hrtime.bigint() - start;
  process.stdout.write(
    JSON.stringify({
      records,
      perSecond: rate(records, ns),
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

function runChild(op: string, dir: string): { records: number; perSecond: number; maxRssMiB: number } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, '--child', op, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`child ${op} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
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
    const rows: [string, number, string][] = [];
    const base = median(await Promise.all(Array.from({ length: SAMPLES }, () => noopBaseline(WRITE))));
    rows.push(['no-op baseline (build event, call no-op)', base, '1.00']);
    const pinoRates: number[] = [];
    for (let s = 0; s < SAMPLES; s++) pinoRates.push(await pinoOnly(WRITE));
    const p = median(pinoRates);
    rows.push(['pino only, discarding stream', p, (p / base).toFixed(2)]);
    const full: { total: number; hotPathNs: number }[] = [];
    const fullFrequent: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      full.push(await fullLog(WRITE, join(root, `w${s}`), 10_000));
      fullFrequent.push((await fullLog(WRITE, join(root, `f${s}`), 1_000)).total);
    }
    const f = median(full.map((x) => x.total));
    rows.push(['audit log: chain + checkpoint/10k + file', f, (f / base).toFixed(2)]);
    const ff = median(fullFrequent);
    rows.push(['audit log: chain + checkpoint/1k + file', ff, (ff / base).toFixed(2)]);
    const hot = median(full.map((x) => x.hotPathNs));

    const load = loadavg()[0]?.toFixed(1);
    console.log(
      `\nAudit write throughput (node ${process.version}, commit ${commit()}, ${WRITE.toLocaleString('en-US')} records x ${SAMPLES} samples, median; load average ${load} on ${cpus().length} CPUs)`,
    );
    console.log(`${'case'.padEnd(44)} ${'records/s'.padStart(12)}  vs baseline`);
    for (const [name, r, ratio] of rows) console.log(`${name.padEnd(44)} ${fmt(r)}  ${ratio}`);
    console.log(`record() hot path (enqueue only): ${hot.toFixed(0)} ns/call`);
    console.log(
      'sidecar throughput overhead of audit: not measured — the sidecar has not landed. Hook: run the sidecar macro bench twice, audit off and on, and report on/off here (target <= 5%).',
    );

    const sizes = [Math.min(100_000, RECORDS), RECORDS];
    const results: Record<string, unknown>[] = [];
    console.log(`\nExport and verify on generated logs (each run in its own process; peak RSS)`);
    console.log(
      `${'operation'.padEnd(14)} ${'records'.padStart(12)} ${'records/s'.padStart(12)} ${'peak RSS MiB'.padStart(13)}`,
    );
    for (const [i, n] of sizes.entries()) {
      const dir = join(root, `log-${i}-${n}`);
      const t0 = process.hrtime.bigint();
      await generate(dir, n);
      const genRate = rate(n, process.hrtime.bigint() - t0);
      console.log(`${'generate'.padEnd(14)} ${fmt(n)} ${fmt(genRate)} ${''.padStart(13)}`);
      for (const op of ['export', 'export-csv', 'verify']) {
        const r = runChild(op, join(dir, 'audit'));
        console.log(
          `${op.padEnd(14)} ${fmt(r.records)} ${fmt(r.perSecond)} ${r.maxRssMiB.toFixed(1).padStart(13)}`,
        );
        results.push({ op, size: n, ...r });
      }
    }
    console.log(
      `\n${JSON.stringify({ bench: 'audit', node: process.version, commit: commit(), write: { baseline: base, pino: p, full: f, fullCheckpoint1k: ff, hotPathNs: hot }, logs: results })}`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string);
else await main();
