/**
 * @module Benchmark of SVID issuance (`npm run bench:ca`). Prints, from one run: raw native ECDSA P-256
 * sign+verify pairs/s (the physical limit for one issuance: verify the CSR, sign the certificate),
 * in-process issuance/s, and issuance/s over gRPC with N concurrent mTLS clients against a real
 * `palisade citadel serve` child process — each absolute and as a ratio to the raw limit.
 *
 * Env: DURATION_MS (per phase, default 4000), CLIENTS (default 8), IN_FLIGHT (per client, default 16),
 * CONCURRENCY (in-process, default 64).
 */
import { execSync, spawn } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
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

const DURATION_MS = Number(process.env.DURATION_MS ?? 4000);
const CLIENTS = Number(process.env.CLIENTS ?? 8);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 16);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const CSRS_PER_CALLER = 64;

function rawPairsPerSecond(): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
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

async function csrPool(id: string, count: number): Promise<string[]> {
  const spiffeId = parseSpiffeId(id);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(createCsrPem(await generatePrivateKey(), spiffeId));
  return out;
}

async function inProcessPerSecond(ca: CertificateAuthority): Promise<number> {
  const pool = await csrPool('spiffe://bench.example/ns/bench/sa/in-process', CSRS_PER_CALLER);
  let n = 0;
  const issueOne = (i: number) =>
    ca.issue({ csr: pool[i % pool.length] as string, requester: 'bench', via: 'local' });
  for (let i = 0; i < 200; i++) await issueOne(i); // warm-up
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

async function startServer(stateDir: string): Promise<{ address: string; stop: () => Promise<void> }> {
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
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function grpcPerSecond(ca: CertificateAuthority, address: string): Promise<number> {
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
  const start = performance.now();
  await run(start + DURATION_MS, true);
  const rate = n / ((performance.now() - start) / 1000);
  for (const { client } of callers) client.close();
  if (failures > 0) console.error(`${failures} gRPC calls failed`);
  return rate;
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const stateDir = await mkdtemp(join(tmpdir(), 'palisade-bench-ca-'));
try {
  await initCa({ stateDir, trustDomain: 'bench.example' });
  const ca = await CertificateAuthority.open(stateDir);
  const raw = rawPairsPerSecond();
  const inProcess = await inProcessPerSecond(ca);
  const server = await startServer(stateDir);
  let grpc: number;
  try {
    grpc = await grpcPerSecond(ca, server.address);
  } finally {
    await server.stop();
  }
  const rows: [string, number, string][] = [
    ['raw ECDSA P-256 sign+verify pairs', raw, '1.00'],
    ['in-process issuance (CSR verify, sign, re-check, journal)', inProcess, (inProcess / raw).toFixed(2)],
    [`gRPC issuance, ${CLIENTS} mTLS clients x ${IN_FLIGHT} in flight`, grpc, (grpc / raw).toFixed(2)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`\nSVID issuance — ${DURATION_MS} ms per phase, node ${process.version}, commit ${commit()}\n`);
  console.log(`${'measure'.padEnd(width)}  ${'per second'.padStart(10)}  ratio to raw`);
  for (const [name, value, ratio] of rows)
    console.log(`${name.padEnd(width)}  ${value.toFixed(0).padStart(10)}  ${ratio}`);
  console.log(
    `\ntargets: in-process >= 0.50 of raw (${inProcess / raw >= 0.5 ? 'met' : 'NOT met'}), gRPC >= 2000/s (${grpc >= 2000 ? 'met' : 'NOT met'})`,
  );
  console.log(
    JSON.stringify({
      bench: 'ca-issuance',
      node: process.version,
      commit: commit(),
      duration_ms: DURATION_MS,
      clients: CLIENTS,
      in_flight: IN_FLIGHT,
      raw_pairs_per_s: Math.round(raw),
      in_process_per_s: Math.round(inProcess),
      grpc_per_s: Math.round(grpc),
    }),
  );
} finally {
  await rm(stateDir, { recursive: true, force: true });
}
