/**
 * @module `npm run bench:mesh`: one echo server measured directly, through an nginx mutual-TLS proxy pair,
 * and through a Palisade sidecar pair (mutual TLS + the shipped Wasm authorization policy + audit log).
 * Prints req/s and p50/p99 under wrk (after a warm-up run), p50/p99 at a fixed rate, ratios, the CPU each
 * proxy process spent per request (the figure that does not depend on what else the machine runs), and
 * each sidecar's peak RSS at the fixed rate and after saturation.
 * Env: DURATION (s, default 10), CONNECTIONS (default 50), RATE (default 2000), AUDIT=0 (no decision log),
 * ISOLATION=worker (policy in a worker thread, the config default; inline otherwise), SIDECAR_NODE_ARGS (extra Node flags for both sidecars, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPolicyBundle } from '../sidecar/up/policy-bundle.js';
import {
  cpuSeconds,
  type Figures,
  firstChildPid,
  fixedRate,
  fmt,
  issueIdentities,
  need,
  peakRssMb,
  startEcho,
  startProcess,
  startSidecar,
  stopAll,
  waitPort,
  warmUp,
  wrk,
} from './mesh-harness.js';

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const RATE = Number(process.env.RATE ?? 2000);
const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));

async function main(): Promise<void> {
  need('wrk', 'wrk', 'bench:mesh');
  need('nginx', 'nginx-light', 'bench:mesh');
  const dir = await mkdtemp(join(tmpdir(), 'palisade-bench-'));
  const children: ChildProcess[] = [];
  try {
    // The shipped policy allows ns/demo/sa/web to GET /api/orders on orders: the measured path is allowed.
    const ids = await issueIdentities(dir, 'bench.local', { client: 'web', server: 'orders' });
    const [client, server] = [ids.client, ids.server] as [
      { id: string; dir: string },
      { id: string; dir: string },
    ];
    const ports = { echo: 19080, nginxOut: 19081, nginxIn: 19443, palOut: 19082, palIn: 19444 };
    const echo = startEcho(ports.echo);
    children.push(echo);
    await waitPort(ports.echo);

    // nginx cannot check a SPIFFE URI SAN as the server's name, so its client side skips server verification
    // (the server side still requires and verifies client certificates): nginx does less work than Palisade.
    const nginxConf = `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx.err warn;
events { worker_connections 4096; }
http { access_log off;
  upstream echo { server 127.0.0.1:${ports.echo}; keepalive 64; }
  upstream peer { server 127.0.0.1:${ports.nginxIn}; keepalive 64; }
  server { listen 127.0.0.1:${ports.nginxIn} ssl; ssl_protocols TLSv1.3;
    ssl_certificate ${server.dir}/cert.pem; ssl_certificate_key ${server.dir}/key.pem;
    ssl_client_certificate ${server.dir}/bundle.pem; ssl_verify_client on; ssl_verify_depth 3;
    location / { proxy_pass http://echo; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:${ports.nginxOut};
    location / { proxy_pass https://peer; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_ssl_certificate ${client.dir}/cert.pem; proxy_ssl_certificate_key ${client.dir}/key.pem;
      proxy_ssl_trusted_certificate ${client.dir}/bundle.pem; proxy_ssl_verify off;
      proxy_ssl_protocols TLSv1.3; proxy_ssl_session_reuse on; proxy_ssl_server_name off; } } }`;
    await writeFile(join(dir, 'nginx.conf'), nginxConf);
    const nginx = startProcess('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir]);
    children.push(nginx);
    await waitPort(ports.nginxOut);

    // Palisade pair: mTLS + shipped policy (Wasm) + audit.
    const bundle = await buildPolicyBundle(POLICIES, join(dir, 'policy'));
    const palServer = await startSidecar(dir, 'server', {
      identity: { spiffe_id: server.id, dir: server.dir },
      inbound: [{ port: ports.palIn, protocol: 'http', app: `127.0.0.1:${ports.echo}`, service: 'orders' }],
      // Inline evaluation; ISOLATION=worker measures the config default (a policy that never returns is cut off).
      policy: {
        bundle: join(dir, 'policy'),
        isolation: process.env.ISOLATION === 'worker' ? 'worker' : 'inline',
      },
      // AUDIT=0 measures the pair without the decision log (to see the log's share of the cost).
      ...(process.env.AUDIT === '0' ? {} : { audit: { directory: join(dir, 'audit') } }),
      admin: { port: 19100 },
    });
    const palClient = await startSidecar(dir, 'client', {
      identity: { spiffe_id: client.id, dir: client.dir },
      outbound: [
        { port: ports.palOut, service: 'orders', address: `127.0.0.1:${ports.palIn}`, identity: server.id },
      ],
      admin: { port: 19101 },
    });
    children.push(palServer, palClient);
    console.log(`policy bundle ${bundle.revision} (${bundle.wasmBytes} bytes of Wasm)`);
    await waitPort(ports.palOut);

    const setups: { label: string; port: number; procs: [string, () => number | undefined][] }[] = [
      { label: 'direct', port: ports.echo, procs: [['echo', () => echo.pid]] },
      {
        label: 'nginx mTLS pair',
        port: ports.nginxOut,
        procs: [
          ['echo', () => echo.pid],
          ['nginx', () => firstChildPid(nginx.pid)],
        ],
      },
      {
        label: 'palisade pair',
        port: ports.palOut,
        procs: [
          ['echo', () => echo.pid],
          ['client sidecar', () => palClient.pid],
          ['server sidecar', () => palServer.pid],
        ],
      },
    ];
    const rows: { label: string; w: Figures; f: Figures; cpu: string }[] = [];
    // The RSS target is "under that load" (the fixed rate): the fixed-rate run comes first so the sidecars'
    // peak RSS is read before wrk's saturation grows their heaps, then again after it.
    const rssAtRate: number[] = [];
    for (const s of setups) {
      const f = await fixedRate(s.port, RATE, Math.min(DURATION, 5));
      if (s.label === 'palisade pair') rssAtRate.push(peakRssMb(palServer.pid), peakRssMb(palClient.pid));
      warmUp(s.port, CONNECTIONS);
      const before = s.procs.map(([, pid]) => cpuSeconds(pid()));
      const w = wrk(s.port, DURATION, CONNECTIONS);
      const cpu = s.procs
        .map(
          ([name, pid], i) => `${name} ${fmt(((cpuSeconds(pid()) - (before[i] ?? 0)) * 1e6) / w.requests)}`,
        )
        .join(', ');
      rows.push({ label: s.label, w, f, cpu });
    }
    const direct = rows[0]?.w.rps ?? Number.NaN;
    const nginxRps = rows[1]?.w.rps ?? Number.NaN;
    console.log(
      `\nwrk -t1 -c${CONNECTIONS} -d${DURATION}s after a 2 s warm-up; fixed rate ${RATE} req/s (node open-loop client, warm connections); Node ${process.version}`,
    );
    console.log(
      '| setup | req/s | p50 ms | p99 ms | vs direct | vs nginx | p50 @rate | p99 @rate | CPU µs per request |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const { label, w, f, cpu } of rows) {
      console.log(
        `| ${label} | ${fmt(w.rps)} | ${fmt(w.p50, 2)} | ${fmt(w.p99, 2)} | ${fmt((100 * w.rps) / direct, 1)}% | ${fmt((100 * w.rps) / nginxRps, 1)}% | ${fmt(f.p50, 2)} | ${fmt(f.p99, 2)} | ${cpu} |`,
      );
    }
    console.log(
      `peak RSS at ${RATE} req/s: palisade server sidecar ${fmt(rssAtRate[0] ?? Number.NaN, 1)} MB, client sidecar ${fmt(rssAtRate[1] ?? Number.NaN, 1)} MB (target <= 64 MB each)`,
    );
    console.log(
      `peak RSS after wrk's saturation: palisade server sidecar ${fmt(peakRssMb(palServer.pid), 1)} MB, client sidecar ${fmt(peakRssMb(palClient.pid), 1)} MB`,
    );
  } finally {
    await stopAll(children);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
