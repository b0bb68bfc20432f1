/**
 * @module `npm run bench:mesh`: one echo server measured directly, through an nginx mutual-TLS proxy pair,
 * and through a Palisade sidecar pair (mutual TLS + the shipped Wasm authorization policy + audit log).
 * Prints req/s and p50/p99 under wrk, p50/p99 at a fixed 2,000 req/s, ratios, and each sidecar's peak RSS.
 * Env: DURATION (s, default 10), CONNECTIONS (default 50), RATE (default 2000), AUDIT=0 (no decision log),
 * SIDECAR_NODE_ARGS (extra Node flags for both sidecars, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { initCa, parseSpiffeId, requestSvid } from '../citadel/index.js';
import { buildPolicyBundle } from '../sidecar/up/policy-bundle.js';

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const RATE = Number(process.env.RATE ?? 2000);
const PATH = '/api/orders/42';
const SIDECAR_NODE_ARGS = (process.env.SIDECAR_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const CLI = fileURLToPath(new URL('../bin/palisade.js', import.meta.url));
const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));
const ECHO = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'text/plain'});s.end('hello')})}).listen(+process.argv[1],'127.0.0.1')`;

function need(bin: string, pkg: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
  } catch {
    console.error(
      `bench:mesh needs ${bin}: install it with  sudo apt-get install -y ${pkg}  (Debian/Ubuntu)`,
    );
    process.exit(1);
  }
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

function wrk(port: number): Figures {
  const out = execFileSync(
    'wrk',
    ['-t1', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', `http://127.0.0.1:${port}${PATH}`],
    {
      encoding: 'utf8',
    },
  );
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: ms(' 50'), p99: ms(' 99') };
}

/** Open-loop load at a fixed rate over keep-alive connections; latency per request from send to end. */
async function fixedRate(port: number): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const lat: number[] = [];
  const total = RATE * Math.min(DURATION, 5);
  const start = process.hrtime.bigint();
  let sent = 0;
  await new Promise<void>((resolve) => {
    let done = 0;
    const tick = () => {
      const due = Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * RATE);
      while (sent < Math.min(due, total)) {
        sent++;
        const t0 = process.hrtime.bigint();
        const req = request({ host: '127.0.0.1', port, path: PATH, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
            if (++done === total) resolve();
          });
        });
        req.on('error', () => {
          if (++done === total) resolve();
        });
        req.end();
      }
      if (sent < total) setImmediate(tick);
    };
    tick();
  });
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? Number.NaN;
  return { rps: RATE, p50: q(0.5), p99: q(0.99) };
}

function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: PATH, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`port ${port} never answered 200`);
}

function peakRssMb(pid: number | undefined): number {
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  need('wrk', 'wrk');
  need('nginx', 'nginx-light');
  const dir = await mkdtemp(join(tmpdir(), 'palisade-bench-'));
  const children: ChildProcess[] = [];
  try {
    // --- identities from a real (local) CA ---
    await initCa({ stateDir: join(dir, 'state'), trustDomain: 'bench.local' });
    const ids: Record<string, string> = {};
    for (const [name, sa] of [
      ['client', 'web'],
      ['server', 'orders'],
    ] as const) {
      // The shipped policy allows ns/demo/sa/web to GET /api/orders on orders: the measured path is allowed.
      const id = `spiffe://bench.local/ns/demo/sa/${sa}`;
      const { svid, bundle } = await requestSvid({
        source: { kind: 'local', stateDir: join(dir, 'state') },
        spiffeId: parseSpiffeId(id),
      });
      const d = join(dir, name);
      execFileSync('mkdir', ['-p', d]);
      await writeFile(join(d, 'key.pem'), svid.key.export({ type: 'pkcs8', format: 'pem' }) as string, {
        mode: 0o600,
      });
      await writeFile(join(d, 'cert.pem'), svid.chain.map((c) => c.toPem()).join(''));
      await writeFile(join(d, 'bundle.pem'), bundle.toPem());
      ids[name] = id;
    }
    // --- echo ---
    const ports = { echo: 19080, nginxOut: 19081, nginxIn: 19443, palOut: 19082, palIn: 19444 };
    children.push(start(process.execPath, ['-e', ECHO, String(ports.echo)]));
    await waitPort(ports.echo);
    // --- nginx mutual-TLS pair ---
    const nginxConf = `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx.err warn;
events { worker_connections 4096; }
http { access_log off;
  upstream echo { server 127.0.0.1:${ports.echo}; keepalive 64; }
  upstream peer { server 127.0.0.1:${ports.nginxIn}; keepalive 64; }
  server { listen 127.0.0.1:${ports.nginxIn} ssl; ssl_protocols TLSv1.3;
    ssl_certificate ${dir}/server/cert.pem; ssl_certificate_key ${dir}/server/key.pem;
    ssl_client_certificate ${dir}/server/bundle.pem; ssl_verify_client on; ssl_verify_depth 3;
    location / { proxy_pass http://echo; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:${ports.nginxOut};
    location / { proxy_pass https://peer; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_ssl_certificate ${dir}/client/cert.pem; proxy_ssl_certificate_key ${dir}/client/key.pem;
      proxy_ssl_trusted_certificate ${dir}/client/bundle.pem; proxy_ssl_verify off;
      proxy_ssl_protocols TLSv1.3; proxy_ssl_session_reuse on; proxy_ssl_server_name off; } } }`;
    await writeFile(join(dir, 'nginx.conf'), nginxConf);
    children.push(start('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir]));
    // nginx cannot check a SPIFFE URI SAN as the server's name, so its client side skips server verification
    // (the server side still requires and verifies client certificates): nginx does less work than Palisade.
    await waitPort(ports.nginxOut);
    // --- Palisade pair: mTLS + shipped policy (Wasm) + audit ---
    const bundle = await buildPolicyBundle(POLICIES, join(dir, 'policy'));
    const server = {
      identity: { spiffe_id: ids.server, dir: join(dir, 'server') },
      inbound: [{ port: ports.palIn, protocol: 'http', app: `127.0.0.1:${ports.echo}`, service: 'orders' }],
      policy: { bundle: join(dir, 'policy'), isolation: 'inline' },
      // AUDIT=0 measures the pair without the decision log (to see the log's share of the cost).
      ...(process.env.AUDIT === '0' ? {} : { audit: { directory: join(dir, 'audit') } }),
      admin: { port: 19100 },
    };
    const client = {
      identity: { spiffe_id: ids.client, dir: join(dir, 'client') },
      outbound: [
        { port: ports.palOut, service: 'orders', address: `127.0.0.1:${ports.palIn}`, identity: ids.server },
      ],
      admin: { port: 19101 },
    };
    await writeFile(join(dir, 'server.yaml'), stringify(server));
    await writeFile(join(dir, 'client.yaml'), stringify(client));
    const palServer = start(process.execPath, [
      ...SIDECAR_NODE_ARGS,
      CLI,
      '--log-level',
      'warn',
      'sidecar',
      'run',
      '--config',
      join(dir, 'server.yaml'),
    ]);
    const palClient = start(process.execPath, [
      ...SIDECAR_NODE_ARGS,
      CLI,
      '--log-level',
      'warn',
      'sidecar',
      'run',
      '--config',
      join(dir, 'client.yaml'),
    ]);
    children.push(palServer, palClient);
    console.log(`policy bundle ${bundle.revision} (${bundle.wasmBytes} bytes of Wasm)`);
    await waitPort(ports.palOut);

    const rows: [string, Figures, Figures][] = [];
    for (const [label, port] of [
      ['direct', ports.echo],
      ['nginx mTLS pair', ports.nginxOut],
      ['palisade pair', ports.palOut],
    ] as const) {
      rows.push([label, wrk(port), await fixedRate(port)]);
    }
    const direct = rows[0]?.[1].rps ?? Number.NaN;
    const nginx = rows[1]?.[1].rps ?? Number.NaN;
    const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    console.log(
      `\nwrk -t1 -c${CONNECTIONS} -d${DURATION}s; fixed rate ${RATE} req/s (node open-loop client); Node ${process.version}`,
    );
    console.log('| setup | req/s | p50 ms | p99 ms | vs direct | vs nginx | p50 @rate | p99 @rate |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [label, w, f] of rows) {
      console.log(
        `| ${label} | ${fmt(w.rps)} | ${fmt(w.p50, 2)} | ${fmt(w.p99, 2)} | ${fmt((100 * w.rps) / direct, 1)}% | ${fmt((100 * w.rps) / nginx, 1)}% | ${fmt(f.p50, 2)} | ${fmt(f.p99, 2)} |`,
      );
    }
    console.log(
      `peak RSS: palisade server sidecar ${fmt(peakRssMb(palServer.pid), 1)} MB, client sidecar ${fmt(peakRssMb(palClient.pid), 1)} MB`,
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
