/**
 * @module Benchmark of SVID issuance (`npm run bench:ca`). Prints, from one run: raw native ECDSA P-256
 * sign+verify pairs/s (the physical limit for one issuance: verify the CSR, sign the certificate),
 * in-process issuance/s, and issuance/s over gRPC with N concurrent mTLS clients against a real
 * `palisade citadel serve` child process — each absolute and as a ratio to the raw limit.
 *
 * The raw and in-process phases alternate for ROUNDS rounds, so a neighbour's load on a shared machine
 * hits both sides of each ratio alike; the table shows medians and the range over the rounds. Issuance
 * verifies CSR signatures on the libuv thread pool, so it may use more than the one core the raw pairs
 * run on: the thread-pool row measures raw pairs that way, and the per-CPU-second column shows the cost
 * per issuance whatever the number of cores used.
 *
 * Env: DURATION_MS (per phase, default 2000; the single gRPC phase lasts ROUNDS times that), ROUNDS (default 3), CLIENTS (default 8), IN_FLIGHT (per
 * client, default 16), CONCURRENCY (in-process and thread-pool pairs, default 64).
 */
import { execSync, spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CertificateAuthority,
  CitadelClient,
  createCsrPem,
  generatePrivateKey,
  initCa,
  parseSpiffeId,
  type Svid,
} from '../citadel/index.js';

const DURATION_MS = Number(process.env.DURATION_MS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** The gRPC phase runs once (one server), for as long as the alternating phases of one kind together. */
const GRPC_DURATION_MS = DURATION_MS * ROUNDS;
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 16);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const CSRS_PER_CALLER = 64;

const RAW_KEYS = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Sign then verify, synchronously on this thread: one issuance's unavoidable crypto, one core. */
function rawPairsPerSecond(): number {
  const { privateKey, publicKey } = RAW_KEYS;
  const tbs = Buffer.alloc(420, 7); // about the size of a workload TBSCertificate
  for (let i = 0; i < 200; i++) verify('sha256', tbs, publicKey, sign('sha256', tbs, privateKey)); // warm-up
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) {
      tbs.writeUInt32BE(n++, 0);
      if (!verify('sha256', tbs, publicKey, sign('sha256', tbs, privateKey)))
        throw new Error('verify failed');
    }
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const signOnPool = (data: Buffer, key: KeyObject): Promise<Buffer> =>
  new Promise((resolve, reject) => sign('sha256', data, key, (e, sig) => (e ? reject(e) : resolve(sig))));
const verifyOnPool = (data: Buffer, key: KeyObject, sig: Buffer): Promise<boolean> =>
  new Promise((resolve, reject) =>
    verify('sha256', data, key, sig, (e, ok) => (e ? reject(e) : resolve(ok))),
  );

/** The same pairs with CONCURRENCY in flight on the libuv thread pool (what all cores can do). */
async function rawPoolPairsPerSecond(): Promise<number> {
  const { privateKey, publicKey } = RAW_KEYS;
  let n = 0;
  const start = performance.now();
  const deadline = start + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, k) => {
      const tbs = Buffer.alloc(420, k);
      while (performance.now() < deadline) {
        tbs.writeUInt32BE(n++, 0);
        if (!(await verifyOnPool(tbs, publicKey, await signOnPool(tbs, privateKey))))
          throw new Error('verify failed');
      }
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

async function csrPool(id: string, count: number): Promise<string[]> {
  const spiffeId = parseSpiffeId(id);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(createCsrPem(await generatePrivateKey(), spiffeId));
  return out;
}

async function inProcessPerSecond(ca: CertificateAuthority, pool: string[]): Promise<number> {
  let n = 0;
  const issueOne = (i: number) =>
    ca.issue({ csr: pool[i % pool.length] as string, requester: 'bench', via: 'local' });
  const start = performance.now();
  const deadline = start + DURATION_MS;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await issueOne(n);
      n++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return n / ((performance.now() - start) / 1000);
}

/**
 * CPU seconds (user + system) a child process has used, from /proc (Linux; undefined elsewhere). The
 * fields count USER_HZ ticks, which the Linux ABI fixes at 100 per second.
 */
async function childCpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function startServer(
  stateDir: string,
): Promise<{ address: string; pid: number | undefined; stop: () => Promise<void> }> {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const cli = fileURLToPath(new URL(`../bin/palisade.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const child = spawn(
    process.execPath,
    [
      ...(fromSource ? ['--import', 'tsx'] : []),
      cli,
      '--state-dir',
      stateDir,
      '--json',
      '--log-level',
      'error',
      'citadel',
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--rate-limit',
      '100000000',
      '--burst',
      '100000000',
      '--max-in-flight',
      '100000',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      out += d;
      try {
        resolve((JSON.parse(out) as { address: string }).address);
      } catch {
        // partial document
      }
    });
    child.once('exit', (code) => reject(new Error(`citadel serve exited (${code}): ${out}`)));
  });
  return {
    address,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Issuances per second over gRPC, and per CPU-second of the server process when it can be read. */
async function grpcPerSecond(
  ca: CertificateAuthority,
  server: { address: string; pid: number | undefined },
): Promise<{ rate: number; perServerCpuSecond: number | undefined }> {
  const { address } = server;
  const callers: { client: CitadelClient; pool: string[] }[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const id = `spiffe://bench.example/ns/bench/sa/client-${c}`;
    const key = await generatePrivateKey();
    const issued = await ca.issue({
      csr: createCsrPem(key, parseSpiffeId(id)),
      requester: 'bench',
      via: 'local',
    });
    const svid: Svid = { key, chain: issued.chain };
    callers.push({
      client: new CitadelClient({ address, bundle: ca.bundle, svid }),
      pool: await csrPool(id, CSRS_PER_CALLER),
    });
  }
  let n = 0;
  let failures = 0;
  const run = async (deadline: number, count: boolean): Promise<void> => {
    await Promise.all(
      callers.flatMap(({ client, pool }) =>
        Array.from({ length: IN_FLIGHT }, async (_, k) => {
          let i = k;
          while (performance.now() < deadline) {
            try {
              await client.createCertificate({ csrPem: pool[i++ % pool.length] as string });
              if (count) n++;
            } catch (err) {
              failures++;
              if (failures === 1) console.error(`first gRPC failure: ${(err as Error).message}`);
            }
          }
        }),
      ),
    );
  };
  await run(performance.now() + 500, false); // warm-up: connections, JIT
  const cpu0 = await childCpuSeconds(server.pid);
  const start = performance.now();
  await run(start + GRPC_DURATION_MS, true);
  const rate = n / ((performance.now() - start) / 1000);
  const cpu1 = await childCpuSeconds(server.pid);
  for (const { client } of callers) client.close();
  if (failures > 0) console.error(`${failures} gRPC calls failed`);
  const perServerCpuSecond =
    cpu0 !== undefined && cpu1 !== undefined && cpu1 > cpu0 ? n / (cpu1 - cpu0) : undefined;
  return { rate, perServerCpuSecond };
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
/**
 * Runs a phase and also records its rate per CPU-second of this process (all threads): unlike the
 * wall-clock rate, that barely moves when neighbours load a shared machine, so it shows the cost per
 * issuance even when the wall-clock figures swing.
 */
async function perCpuSecond(phase: () => Promise<number>, cpuRates: number[]): Promise<number> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const rate = await phase();
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  cpuRates.push((rate * wall) / ((cpu.user + cpu.system) / 1e6));
  return rate;
}

const range = (xs: number[], digits = 0): string =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

const stateDir = await mkdtemp(join(tmpdir(), 'palisade-bench-ca-'));
try {
  await initCa({ stateDir, trustDomain: 'bench.example' });
  const ca = await CertificateAuthority.open(stateDir);
  const pool = await csrPool('spiffe://bench.example/ns/bench/sa/in-process', CSRS_PER_CALLER);
  for (let i = 0; i < 200; i++)
    await ca.issue({ csr: pool[i % pool.length] as string, requester: 'bench', via: 'local' }); // warm-up
  const raws: number[] = [];
  const pools: number[] = [];
  const inProcesses: number[] = [];
  const [rawsCpu, poolsCpu, inProcessesCpu]: number[][] = [[], [], []];
  for (let r = 0; r < ROUNDS; r++) {
    raws.push(await perCpuSecond(async () => rawPairsPerSecond(), rawsCpu));
    pools.push(await perCpuSecond(rawPoolPairsPerSecond, poolsCpu));
    inProcesses.push(await perCpuSecond(() => inProcessPerSecond(ca, pool), inProcessesCpu));
  }
  const raw = median(raws);
  const inProcessRatios = inProcesses.map((v, i) => v / (raws[i] as number));
  const inProcessRatio = median(inProcessRatios);
  const server = await startServer(stateDir);
  let grpc: number;
  let grpcPerServerCpu: number | undefined;
  try {
    ({ rate: grpc, perServerCpuSecond: grpcPerServerCpu } = await grpcPerSecond(ca, server));
  } finally {
    await server.stop();
  }
  const cpuCol = (xs: number[]): string =>
    `${median(xs).toFixed(0)} (${(median(xs) / median(rawsCpu)).toFixed(2)})`;
  const rows: [string, number, string, string, string][] = [
    ['raw ECDSA P-256 sign+verify pairs, one thread', raw, range(raws), '1.00', cpuCol(rawsCpu)],
    [
      `raw pairs on the libuv thread pool, ${CONCURRENCY} in flight`,
      median(pools),
      range(pools),
      median(pools.map((v, i) => v / (raws[i] as number))).toFixed(2),
      cpuCol(poolsCpu),
    ],
    [
      `in-process issuance (CSR verify, sign, re-check, journal), ${CONCURRENCY} in flight`,
      median(inProcesses),
      range(inProcesses),
      `${inProcessRatio.toFixed(2)} (${range(inProcessRatios, 2)})`,
      cpuCol(inProcessesCpu),
    ],
    [
      `gRPC issuance, ${CLIENTS} mTLS clients x ${IN_FLIGHT} in flight`,
      grpc,
      `(one ${GRPC_DURATION_MS / 1000} s run)`,
      (grpc / raw).toFixed(2),
      grpcPerServerCpu === undefined
        ? 'n/a (no /proc)'
        : `${grpcPerServerCpu.toFixed(0)} (${(grpcPerServerCpu / median(rawsCpu)).toFixed(2)}) of the server's CPU`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(
    `\nSVID issuance — ${ROUNDS} rounds of ${DURATION_MS} ms per phase (medians), node ${process.version}, commit ${commit()}\n`,
  );
  console.log(
    `${'measure'.padEnd(width)}  ${'per second'.padStart(10)}  ${'range'.padStart(12)}  ${'ratio to raw'.padEnd(17)}  per CPU-second (ratio)`,
  );
  for (const [name, value, spread, ratio, cpu] of rows)
    console.log(
      `${name.padEnd(width)}  ${value.toFixed(0).padStart(10)}  ${spread.padStart(12)}  ${ratio.padEnd(17)}  ${cpu}`,
    );
  console.log(
    `\ntargets: in-process >= 0.50 of raw (${inProcessRatio >= 0.5 ? 'met' : 'NOT met'}), gRPC >= 2000/s (${grpc >= 2000 ? 'met' : 'NOT met'})`,
  );
  console.log(
    JSON.stringify({
      bench: 'ca-issuance',
      node: process.version,
      commit: commit(),
      duration_ms: DURATION_MS,
      rounds: ROUNDS,
      clients: CLIENTS,
      in_flight: IN_FLIGHT,
      concurrency: CONCURRENCY,
      raw_pairs_per_s: raws.map(Math.round),
      raw_pool_pairs_per_s: pools.map(Math.round),
      in_process_per_s: inProcesses.map(Math.round),
      raw_pairs_per_cpu_s: rawsCpu.map(Math.round),
      raw_pool_pairs_per_cpu_s: poolsCpu.map(Math.round),
      in_process_per_cpu_s: inProcessesCpu.map(Math.round),
      grpc_per_s: Math.round(grpc),
      grpc_per_server_cpu_s: grpcPerServerCpu === undefined ? null : Math.round(grpcPerServerCpu),
    }),
  );
} finally {
  await rm(stateDir, { recursive: true, force: true });
}
