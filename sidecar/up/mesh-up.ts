/**
 * @module `palisade up`: a local demo mesh on embedded defaults. Initialises the CA if there is none, starts
 * citadel, builds the shipped policies into a Wasm bundle, starts each demo service and its sidecar as
 * separate processes (the sidecars get their SVIDs from citadel with join tokens), drives a little traffic,
 * prints what happened, and runs until Ctrl-C. Demo layer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseSpiffeId, startCitadelServer } from '../../citadel/index.js';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import type { Logger } from '../../lib/logger.js';
import { SidecarError } from '../errors.js';
import { buildPolicyBundle } from './policy-bundle.js';

export const DEMO_TRUST_DOMAIN = 'palisade.local';

/** The demo services, their sidecars' ports, and who they call. */
const SERVICES = [
  { name: 'web', app: 18080, inbound: 15006, admin: 15100, upstreams: ['orders', 'payments'] },
  { name: 'orders', app: 18081, inbound: 15016, admin: 15101, upstreams: ['payments'] },
  { name: 'payments', app: 18082, inbound: 15026, admin: 15102, upstreams: [] as string[] },
] as const;
const OUTBOUND_BASE = 15200;

/** The calls `up` makes once the mesh is ready: one allowed path and one denied, plus the second hop. */
const TRAFFIC = [
  { from: 'web', to: 'orders', method: 'GET', path: '/api/orders/42' },
  { from: 'web', to: 'payments', method: 'POST', path: '/api/charge' },
  { from: 'orders', to: 'payments', method: 'POST', path: '/api/charge' },
  { from: 'web', to: 'orders', method: 'DELETE', path: '/api/orders/42' },
] as const;

export interface UpOptions {
  stateDir: string;
  logger: Logger;
  /** Print a line of the report (stdout). */
  print: (line: string) => void;
  /** Resolves when the mesh should shut down (Ctrl-C). */
  until: Promise<void>;
  /** Policies directory (default: `policies/` of this checkout). */
  policyDir?: string;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CLI = fileURLToPath(new URL(`../../bin/palisade.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
const NODE_ARGS = FROM_SOURCE ? ['--import', 'tsx'] : [];

function outboundPort(from: number, upstream: number): number {
  return OUTBOUND_BASE + from * 10 + upstream;
}

export async function meshUp(options: UpOptions): Promise<0> {
  const { stateDir, logger, print } = options;
  const root = join(stateDir, 'up');
  const children: ChildProcess[] = [];
  const citadel = await startCitadelServer({
    stateDir,
    listen: '127.0.0.1:0',
    initIfAbsent: { trustDomain: DEMO_TRUST_DOMAIN },
    logger,
  });
  const td = citadel.trustDomain;
  const stop = async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
    );
    await citadel.close();
  };
  try {
    print(`citadel   ${citadel.address}  trust domain ${td}  (CA in ${join(stateDir, 'ca')})`);
    const policyDir =
      options.policyDir ??
      fileURLToPath(new URL(FROM_SOURCE ? '../../policies/' : '../../../policies/', import.meta.url));
    const bundle = await buildPolicyBundle(resolve(policyDir), join(root, 'policy'));
    print(
      `policy    ${bundle.files.join(', ')} -> Wasm (${bundle.wasmBytes} bytes, revision ${bundle.revision})`,
    );
    const bundlePem = join(root, 'bundle.pem');
    await writeFileDurable(bundlePem, citadel.bundle().toPem(), { mode: FileMode.public });

    for (const [i, svc] of SERVICES.entries()) {
      const id = `spiffe://${td}/ns/demo/sa/${svc.name}`;
      const dir = join(root, svc.name);
      const token = await citadel.authority.createJoinToken(parseSpiffeId(id), 600_000);
      await writeFileDurable(join(dir, 'join-token'), token.token, { mode: FileMode.secret });
      const config = {
        identity: { spiffe_id: id, dir: join(dir, 'svid') },
        citadel: {
          address: citadel.address,
          join_token_file: join(dir, 'join-token'),
          bundle_file: bundlePem,
        },
        inbound: [{ port: svc.inbound, protocol: 'http', app: `127.0.0.1:${svc.app}`, service: svc.name }],
        outbound: svc.upstreams.map((name) => {
          const j = SERVICES.findIndex((s) => s.name === name);
          const up = SERVICES[j] as (typeof SERVICES)[number];
          return {
            port: outboundPort(i, j),
            service: name,
            address: `127.0.0.1:${up.inbound}`,
            identity: `spiffe://${td}/ns/demo/sa/${name}`,
          };
        }),
        policy: { bundle: join(root, 'policy'), isolation: 'inline' },
        audit: { directory: join(stateDir, 'audit', svc.name) },
        admin: { port: svc.admin },
      };
      const file = join(dir, 'sidecar.yaml');
      await writeFileDurable(file, stringify(config), { mode: FileMode.public });
      children.push(
        spawnChild(
          ['sidecar', 'demo-app', '--name', svc.name, '--port', String(svc.app)],
          `${svc.name}-app`,
          logger,
        ),
      );
      children.push(
        spawnChild(['--state-dir', dir, 'sidecar', 'run', '--config', file], `${svc.name}-sidecar`, logger),
      );
    }
    for (const svc of SERVICES) await waitReady(svc.admin, svc.name, children);
    print('');
    print('identities issued by citadel:');
    for (const svc of SERVICES) {
      const cfg = JSON.parse(await get(svc.admin, '/config')) as {
        identity: { spiffe_id: string; serial: string; not_after: string };
      };
      print(
        `  ${cfg.identity.spiffe_id}  serial ${cfg.identity.serial.slice(0, 16)}…  expires ${cfg.identity.not_after}`,
      );
    }
    print('');
    print(
      'traffic (each hop is mutual TLS, each request checked by the Wasm policy in the receiving sidecar):',
    );
    for (const call of TRAFFIC) {
      const i = SERVICES.findIndex((s) => s.name === call.from);
      const j = SERVICES.findIndex((s) => s.name === call.to);
      const answer = await send(outboundPort(i, j), call.method, call.path, call.to);
      const body = safeJson(answer.body);
      const verdict = answer.status === 200 ? 'ALLOWED' : 'DENIED ';
      const why =
        answer.status === 200
          ? `${call.to} saw caller ${String(body.caller)}`
          : String(body.reason ?? answer.body);
      print(
        `  ${verdict} ${call.from} -> ${call.to}  ${call.method} ${call.path}  [${answer.status}] ${why}`,
      );
    }
    print('');
    print(
      `audit logs: ${join(stateDir, 'audit')}/<service>/  (verify: palisade audit verify --dir ${join(stateDir, 'audit')})`,
    );
    print(`admin:      ${SERVICES.map((s) => `${s.name} http://127.0.0.1:${s.admin}/metrics`).join('  ')}`);
    print('the mesh keeps running; press Ctrl-C to stop it.');
    await Promise.race([options.until, firstExit(children)]);
    print('shutting down…');
    return 0;
  } finally {
    await stop();
  }
}

function spawnChild(args: string[], name: string, logger: Logger): ChildProcess {
  const child = spawn(process.execPath, [...NODE_ARGS, CLI, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches only `palisade up`, which then stops each child
    // once and waits for it (sidecars flush and seal their audit logs on the way out).
    detached: true,
    env: { ...process.env, PALISADE_LOG_LEVEL: process.env.PALISADE_LOG_LEVEL ?? 'warn' },
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    for (const line of d.split('\n')) if (line.trim() !== '') logger.warn(`[${name}] ${line}`);
  });
  return child;
}

function firstExit(children: ChildProcess[]): Promise<void> {
  return new Promise((resolveExit, reject) => {
    for (const c of children) {
      c.once('exit', (code) =>
        reject(new SidecarError('ERR_SIDECAR_UP', `a mesh process exited unexpectedly (code ${code})`)),
      );
    }
    void resolveExit;
  });
}

async function waitReady(port: number, name: string, children: ChildProcess[]): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (children.some((c) => c.exitCode !== null)) {
      throw new SidecarError(
        'ERR_SIDECAR_UP',
        `a mesh process exited while ${name}'s sidecar was starting (see the log above)`,
      );
    }
    const ok = await get(port, '/ready').then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new SidecarError('ERR_SIDECAR_UP', `${name}'s sidecar did not become ready within 120 s`);
}

function get(port: number, path: string): Promise<string> {
  return send(port, 'GET', path, 'admin').then((r) => {
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    return r.body;
  });
}

function send(
  port: number,
  method: string,
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host }, agent: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function safeJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
