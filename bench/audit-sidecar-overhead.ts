/**
 * @module The audit log's cost to a sidecar (bench:audit's last table): the same server sidecar — mutual TLS,
 * the shipped Wasm policy — with the decision log off and on, behind one client sidecar, wrk over interleaved
 * rounds. The figure that matters is the server's CPU per request (throughput scales with its inverse when
 * the server is the bottleneck); req/s is printed too but moves with whatever else the machine runs.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPolicyBundle } from '../sidecar/up/policy-bundle.js';
import {
  compareServerSidecars,
  has,
  issueIdentities,
  type ServerFigures,
  startEcho,
  stopAll,
  waitPort,
} from './mesh-harness.js';

const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));

export interface AuditOverhead {
  readonly off: ServerFigures;
  readonly on: ServerFigures;
  /** Share of the audit-off throughput lost to the CPU the log adds, percent (target <= 5). */
  readonly costPercent: number;
}

/** Measure, or say why not (wrk missing). */
export async function measureSidecarAuditOverhead(options: {
  duration: number;
  connections: number;
  rounds: number;
}): Promise<AuditOverhead | string> {
  if (!has('wrk')) return 'not measured: needs wrk (sudo apt-get install -y wrk)';
  const dir = await mkdtemp(join(tmpdir(), 'palisade-bench-audit-sidecar-'));
  const children: ChildProcess[] = [];
  try {
    const ids = await issueIdentities(dir, 'bench.local', { client: 'web', server: 'orders' });
    await buildPolicyBundle(POLICIES, join(dir, 'bundle'));
    // AUDIT_BENCH_PORT moves the echo app (default 19280) and the sidecars (the 31 ports above it) together.
    const echoPort = Number(process.env.AUDIT_BENCH_PORT ?? 19280);
    children.push(startEcho(echoPort));
    await waitPort(echoPort);
    const policy = { bundle: join(dir, 'bundle'), isolation: 'inline' };
    const [off, on] = (await compareServerSidecars(
      dir,
      ids as { client: { id: string; dir: string }; server: { id: string; dir: string } },
      echoPort,
      [
        { name: 'audit off', service: 'orders', sections: { policy } },
        {
          name: 'audit on',
          service: 'orders',
          sections: { policy, audit: { directory: join(dir, 'audit') } },
        },
      ],
      { basePort: echoPort + 1, ...options },
      children,
    )) as [ServerFigures, ServerFigures];
    return { off, on, costPercent: 100 * (1 - off.cpuUs / on.cpuUs) };
  } finally {
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  }
}
