/**
 * @module `npm run bench:quota` (end to end): a client sidecar calls three server sidecars in front of the
 * same echo app — no quota, a local quota, a global quota in a real redis-server — with mutual TLS, a Wasm
 * policy and the audit log on all three. Prints req/s under wrk and the server sidecar's CPU per request,
 * each as a ratio to the no-quota server, medians over ROUNDS interleaved rounds (the machine is shared, so
 * interleaving spreads its noise over all three). The throughput cost is taken round by round (each
 * server against the no-quota one of the same round, which ran under the same neighbours) and its median
 * printed with the range, so one disturbed run moves neither. The limits are set high enough never to
 * refuse: this measures what checking a quota costs, not what refusing does.
 * Env: DURATION (s per run, default 5), CONNECTIONS (default 50), ROUNDS (default 5), PORT_BASE (first of the
 * 41 loopback ports it uses: echo app, Redis, then the sidecars from +10; default 19180).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPolicyBundle } from '../sidecar/up/policy-bundle.js';
import {
  compareServerSidecars,
  fmt,
  issueIdentities,
  median,
  need,
  type ServerFigures,
  startEcho,
  stopAll,
  waitPort,
} from './mesh-harness.js';

const DURATION = Number(process.env.DURATION ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PORT_BASE = Number(process.env.PORT_BASE ?? 19180);

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
    const redisPort = PORT_BASE + 1;
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

    const echoPort = PORT_BASE;
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
      { basePort: PORT_BASE + 10, duration: DURATION, connections: CONNECTIONS, rounds: ROUNDS },
      children,
    );
    const base = figures[0] as ServerFigures;
    console.log(
      `\nclient sidecar -> server sidecar (mTLS, Wasm policy, audit) -> echo; wrk -t1 -c${CONNECTIONS} -d${DURATION}s after a warm-up, ${ROUNDS} interleaved rounds (medians; ranges over the rounds); Node ${process.version}`,
    );
    console.log(
      '| server sidecar | req/s | vs no quota | server CPU µs/req | CPU vs no quota | throughput cost | cost range | p99 ms | peak RSS MB |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const f of figures) {
      // With the server sidecar as the bottleneck, throughput scales with 1 / its CPU per request.
      const costs = f.cpuUsPerRound.map((cpu, r) => 100 * (1 - (base.cpuUsPerRound[r] as number) / cpu));
      const cpuRange = `${fmt(Math.min(...f.cpuUsPerRound))}–${fmt(Math.max(...f.cpuUsPerRound))}`;
      console.log(
        `| ${f.name} | ${fmt(f.rps)} | ${fmt((100 * f.rps) / base.rps, 1)}% | ${fmt(f.cpuUs)} (${cpuRange}) | ${fmt(f.cpuUs / base.cpuUs, 2)}x | ${fmt(median(costs), 1)}% | ${fmt(Math.min(...costs), 1)} to ${fmt(Math.max(...costs), 1)}% | ${fmt(f.p99, 2)} | ${fmt(f.peakRssMb, 1)} |`,
      );
    }
    console.log(
      'throughput cost = share of the no-quota server throughput lost to the CPU the quota check adds, median of the per-round figures (targets: local <= 5%, global <= 25%)',
    );
  } finally {
    // The sidecars first: Redis going away under them would only add warnings to the output.
    await stopAll(children);
    await stopAll(redis === undefined ? [] : [redis]);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
