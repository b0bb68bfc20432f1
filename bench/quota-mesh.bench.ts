/**
 * @module `npm run bench:quota` (end to end): a client sidecar calls three server sidecars in front of the
 * same echo app — no quota, a local quota, a global quota in a real redis-server — with mutual TLS, a Wasm
 * policy and the audit log on all three. Prints req/s under wrk and the server sidecar's CPU per request,
 * each as a ratio to the no-quota server, medians over ROUNDS interleaved rounds (the machine is shared, so
 * interleaving spreads its noise over all three). The limits are set high enough never to refuse: this
 * measures what checking a quota costs, not what refusing does.
 * Env: DURATION (s per run, default 5), CONNECTIONS (default 50), ROUNDS (default 3).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPolicyBundle } from '../sidecar/up/policy-bundle.js';
import {
  compareServerSidecars,
  fmt,
  issueIdentities,
  need,
  type ServerFigures,
  startEcho,
  stopAll,
  waitPort,
} from './mesh-harness.js';

const DURATION = Number(process.env.DURATION ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const AUTHZ = `package palisade.authz

import rego.v1

default allow := false

allow if input.source.principal == "spiffe://bench.local/ns/demo/sa/web"

reason := "bench caller"
`;

// One limit per request, keyed on the caller, far above what the benchmark can send.
const QUOTA = `package palisade.quota

import rego.v1

limits contains {"name": "per-caller", "key": input.source.principal, "limit": 1000000000, "window": "1s", "scope": "local"} if {
	input.destination.service == "local"
}

limits contains {"name": "per-caller", "key": input.source.principal, "limit": 1000000000, "window": "1s", "scope": "global"} if {
	input.destination.service == "global"
}
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  need('wrk', 'wrk', 'bench:quota');
  need('redis-server', 'redis-server', 'bench:quota');
  const dir = await mkdtemp(join(tmpdir(), 'palisade-bench-quota-'));
  const children: ChildProcess[] = [];
  let redis: ChildProcess | undefined;
  try {
    const ids = await issueIdentities(dir, 'bench.local', { client: 'web', server: 'orders' });
    const [client, server] = [ids.client, ids.server] as [
      { id: string; dir: string },
      { id: string; dir: string },
    ];
    const redisPort = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await mkdir(join(dir, 'authz-only'));
    await mkdir(join(dir, 'authz-quota'));
    await writeFile(join(dir, 'authz-only', 'authz.rego'), AUTHZ);
    await writeFile(join(dir, 'authz-quota', 'authz.rego'), AUTHZ);
    await writeFile(join(dir, 'authz-quota', 'quota.rego'), QUOTA);
    // No quota: the authorization policy alone. With quota: the same plus the limits, evaluated in the same
    // call through the generated decision entrypoint.
    await buildPolicyBundle(join(dir, 'authz-only'), join(dir, 'bundle-plain'));
    await buildPolicyBundle(join(dir, 'authz-quota'), join(dir, 'bundle-quota'), {
      quota: 'palisade/quota/limits',
    });

    const echoPort = 19180;
    children.push(startEcho(echoPort));
    await waitPort(echoPort);
    const common = (bundle: string, service: string) => ({
      policy: { bundle: join(dir, bundle), isolation: 'inline' },
      audit: { directory: join(dir, `audit-${service}`) },
    });
    const figures = await compareServerSidecars(
      dir,
      { client, server },
      echoPort,
      [
        { name: 'no quota', service: 'plain', sections: common('bundle-plain', 'plain') },
        {
          name: 'local quota',
          service: 'local',
          sections: { ...common('bundle-quota', 'local'), quota: {} },
        },
        {
          name: 'global quota (Redis)',
          service: 'global',
          sections: {
            ...common('bundle-quota', 'global'),
            quota: { global: { redis: { url: `redis://127.0.0.1:${redisPort}/0` }, timeout: '50ms' } },
          },
        },
      ],
      { basePort: 19200, duration: DURATION, connections: CONNECTIONS, rounds: ROUNDS },
      children,
    );
    const base = figures[0] as ServerFigures;
    console.log(
      `\nclient sidecar -> server sidecar (mTLS, Wasm policy, audit) -> echo; wrk -t1 -c${CONNECTIONS} -d${DURATION}s after a warm-up, median of ${ROUNDS} interleaved rounds; Node ${process.version}`,
    );
    console.log(
      '| server sidecar | req/s | vs no quota | server CPU µs/req | CPU vs no quota | throughput cost | p99 ms | peak RSS MB |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const f of figures) {
      // With the server sidecar as the bottleneck, throughput scales with 1 / its CPU per request.
      const cost = 100 * (1 - base.cpuUs / f.cpuUs);
      console.log(
        `| ${f.name} | ${fmt(f.rps)} | ${fmt((100 * f.rps) / base.rps, 1)}% | ${fmt(f.cpuUs)} | ${fmt(f.cpuUs / base.cpuUs, 2)}x | ${fmt(cost, 1)}% | ${fmt(f.p99, 2)} | ${fmt(f.peakRssMb, 1)} |`,
      );
    }
    console.log(
      'throughput cost = share of the no-quota server throughput lost to the CPU the quota check adds (targets: local <= 5%, global <= 25%)',
    );
  } finally {
    // The sidecars first: Redis going away under them would only add warnings to the output.
    await stopAll(children);
    await stopAll(redis === undefined ? [] : [redis]);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
