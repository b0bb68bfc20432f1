/**
 * @module What the end-to-end benchmarks share: identities from a real local CA, an echo app, sidecars as
 * separate processes started through the CLI (as operators run them), wrk for closed-loop load with a
 * warm-up run first, an open-loop fixed-rate client, and per-process CPU and peak RSS readings. Bench layer.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { initCa, parseSpiffeId, requestSvid } from '../citadel/index.js';

export const BENCH_PATH = '/api/orders/42';
const CLI = fileURLToPath(new URL('../bin/palisade.js', import.meta.url));
const SIDECAR_NODE_ARGS = (process.env.SIDECAR_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const ECHO = `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'text/plain'});s.end('hello')})}).listen(+process.argv[1],'127.0.0.1')`;

/** Whether a command is on the PATH. */
export function has(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Exit with an install hint when a Debian tool the benchmark drives is missing. */
export function need(bin: string, pkg: string, what: string): void {
  if (has(bin)) return;
  console.error(`${what} needs ${bin}: install it with  sudo apt-get install -y ${pkg}  (Debian/Ubuntu)`);
  process.exit(1);
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** Requests completed in the measured run. */
  requests: number;
}

function wrkArgs(port: number, seconds: number, connections: number): string[] {
  return ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}${BENCH_PATH}`];
}

/**
 * A short wrk run whose figures are dropped: it opens connections (TLS handshakes between sidecars, the
 * sidecars' own pools) and lets the JIT settle, as a mesh in service has. Run it before `wrk`.
 */
export function warmUp(port: number, connections: number, seconds = 2): void {
  execFileSync('wrk', wrkArgs(port, seconds, connections), { encoding: 'utf8' });
}

/** Closed-loop load with wrk on `port`; see `warmUp`. */
export function wrk(port: number, seconds: number, connections: number): Figures {
  const out = execFileSync('wrk', wrkArgs(port, seconds, connections), { encoding: 'utf8' });
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  if (non2xx > 0) console.warn(`warning: ${non2xx} responses on port ${port} were not 2xx`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50: ms(' 50'),
    p99: ms(' 99'),
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
  };
}

/**
 * Open-loop load at `rate` req/s over keep-alive connections for `seconds`, latency from send to end. The
 * connections are opened, and the path run at the same rate for `warmSeconds`, before the measured window:
 * the figure is the steady state (a cold start — JIT tiers, the first handshakes — shows for about a second
 * in the sidecars' tail otherwise).
 */
export async function fixedRate(
  port: number,
  rate: number,
  seconds: number,
  warmSeconds = 2,
): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const one = () =>
    new Promise<number>((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = request({ host: '127.0.0.1', port, path: BENCH_PATH, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
      });
      req.on('error', () => resolve(Number.NaN));
      req.end();
    });
  const drive = (duration: number, lat: number[] | undefined) =>
    new Promise<void>((resolve) => {
      const total = Math.round(rate * duration);
      const start = process.hrtime.bigint();
      let sent = 0;
      let done = 0;
      const tick = () => {
        const due = Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate);
        while (sent < Math.min(due, total)) {
          sent++;
          void one().then((ms) => {
            if (lat !== undefined && Number.isFinite(ms)) lat.push(ms);
            if (++done === total) resolve();
          });
        }
        // A timer, not setImmediate: a spinning driver would take a whole core of this 2-core machine from
        // the processes under test. Sends are at most a millisecond late; latency runs from the actual send.
        if (sent < total) setTimeout(tick, 1);
      };
      if (total === 0) resolve();
      else tick();
    });
  // Open the pool's connections with concurrent requests, then run at the rate without recording.
  for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 64 }, one));
  await drive(warmSeconds, undefined);
  const lat: number[] = [];
  await drive(seconds, lat);
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? Number.NaN;
  return { rps: rate, p50: q(0.5), p99: q(0.99), requests: lat.length };
}

/** The pid of a process's first child (nginx's worker under its master), if any. */
export function firstChildPid(pid: number | undefined): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim();
    return out === '' ? undefined : Number(out.split('\n')[0]);
  } catch {
    return undefined;
  }
}

export function startProcess(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function startEcho(port: number): ChildProcess {
  return startProcess(process.execPath, ['-e', ECHO, String(port)]);
}

/** Write `config` as YAML and run `palisade sidecar run` on it (SIDECAR_NODE_ARGS are passed to Node). */
export async function startSidecar(dir: string, name: string, config: unknown): Promise<ChildProcess> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, stringify(config));
  return startProcess(process.execPath, [
    ...SIDECAR_NODE_ARGS,
    CLI,
    '--log-level',
    'warn',
    'sidecar',
    'run',
    '--config',
    file,
  ]);
}

/** Resolve once `port` answers `path` with 200 (or reject after about a minute). */
export async function waitPort(port: number, path = BENCH_PATH): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`port ${port} never answered 200 on ${path}`);
}

/** SVID directories (key.pem, cert.pem, bundle.pem) for each `name: service account`, from a fresh CA. */
export async function issueIdentities(
  dir: string,
  trustDomain: string,
  accounts: Record<string, string>,
): Promise<Record<string, { id: string; dir: string }>> {
  const stateDir = join(dir, 'ca-state');
  await initCa({ stateDir, trustDomain });
  const out: Record<string, { id: string; dir: string }> = {};
  for (const [name, sa] of Object.entries(accounts)) {
    const id = `spiffe://${trustDomain}/ns/demo/sa/${sa}`;
    const { svid, bundle } = await requestSvid({
      source: { kind: 'local', stateDir },
      spiffeId: parseSpiffeId(id),
    });
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'key.pem'), svid.key.export({ type: 'pkcs8', format: 'pem' }) as string, {
      mode: 0o600,
    });
    await writeFile(join(d, 'cert.pem'), svid.chain.map((c) => c.toPem()).join(''));
    await writeFile(join(d, 'bundle.pem'), bundle.toPem());
    out[name] = { id, dir: d };
  }
  return out;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat (12 and 13 after the command name).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Peak resident set size of a process in MB (VmHWM). */
export function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** SIGTERM every child and wait (up to 10 s) until each has exited, so none writes into a removed directory. */
export async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            c.kill('SIGKILL');
            resolve();
          }, 10_000);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}

export const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** One server sidecar configuration to compare: its config sections besides identity, inbound and admin. */
export interface ServerSetup {
  readonly name: string;
  /** The inbound listener's service name (what the policy input's destination.service says). */
  readonly service: string;
  readonly sections: Record<string, unknown>;
}

/** Medians over the rounds for one server sidecar, and its CPU figure of each round. */
export interface ServerFigures {
  readonly name: string;
  readonly rps: number;
  /** CPU the server sidecar spent per request, µs. */
  readonly cpuUs: number;
  /** `cpuUs` of each round, in round order: compare setups round by round (same neighbours, same load). */
  readonly cpuUsPerRound: readonly number[];
  readonly p99: number;
  readonly peakRssMb: number;
}

/**
 * Put several server sidecars (same identity, same echo app, each its own process) behind one client sidecar
 * and load each in turn with wrk, `rounds` times interleaved so the shared machine's noise spreads over all of
 * them. Returns medians per setup. Started processes are pushed onto `children` for the caller to stop.
 */
export async function compareServerSidecars(
  dir: string,
  ids: { client: { id: string; dir: string }; server: { id: string; dir: string } },
  echoPort: number,
  setups: readonly ServerSetup[],
  options: { basePort: number; duration: number; connections: number; rounds: number },
  children: ChildProcess[],
): Promise<ServerFigures[]> {
  const { basePort: base } = options;
  const servers: { setup: ServerSetup; proc: ChildProcess; out: number }[] = [];
  for (const [i, setup] of setups.entries()) {
    const proc = await startSidecar(dir, `server-${i}`, {
      identity: { spiffe_id: ids.server.id, dir: ids.server.dir },
      inbound: [{ port: base + i, protocol: 'http', app: `127.0.0.1:${echoPort}`, service: setup.service }],
      admin: { port: base + 10 + i },
      ...setup.sections,
    });
    children.push(proc);
    servers.push({ setup, proc, out: base + 20 + i });
  }
  const client = await startSidecar(dir, 'client', {
    identity: { spiffe_id: ids.client.id, dir: ids.client.dir },
    outbound: servers.map((s, i) => ({
      port: s.out,
      service: s.setup.service,
      address: `127.0.0.1:${base + i}`,
      identity: ids.server.id,
    })),
    admin: { port: base + 30 },
  });
  children.push(client);
  for (const s of servers) await waitPort(s.out);

  const runs = servers.map(() => ({ rps: [] as number[], cpu: [] as number[], p99: [] as number[] }));
  for (let round = 0; round < options.rounds; round++) {
    // Each round starts one setup further on, so none always runs right after the same neighbour.
    for (let k = 0; k < servers.length; k++) {
      const i = (round + k) % servers.length;
      const s = servers[i] as (typeof servers)[number];
      warmUp(s.out, options.connections);
      const before = cpuSeconds(s.proc.pid);
      const w = wrk(s.out, options.duration, options.connections);
      const r = runs[i] as (typeof runs)[number];
      r.rps.push(w.rps);
      r.cpu.push(((cpuSeconds(s.proc.pid) - before) * 1e6) / w.requests);
      r.p99.push(w.p99);
    }
  }
  return servers.map((s, i) => {
    const r = runs[i] as (typeof runs)[number];
    return {
      name: s.setup.name,
      rps: median(r.rps),
      cpuUs: median(r.cpu),
      cpuUsPerRound: r.cpu,
      p99: median(r.p99),
      peakRssMb: peakRssMb(s.proc.pid),
    };
  });
}

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
}
