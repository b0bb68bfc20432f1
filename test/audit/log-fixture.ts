/**
 * @module Test kit for audit logs: a manual clock, a config builder, event factories, and tools to
 * read, rewrite and re-chain log files the way an attacker (or a crash) would.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { linkHash, openLine, sealLine } from '../../audit/chain.js';
import {
  type AuditConfig,
  type AuditConfigInput,
  type AuditLog,
  type AuthzEvent,
  auditConfigSchema,
  type OpenAuditLogOptions,
  openAuditLog,
} from '../../audit/index.js';
import { validateConfig } from '../../lib/config.js';
import { tempDir } from '../helpers/tmp.js';

export const WRITER = 'spiffe://mesh.test/ns/default/sa/web-sidecar';
export const CALLER = 'spiffe://mesh.test/ns/shop/sa/cart';

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public ms = Date.parse('2026-11-24T10:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function auditConfig(input: AuditConfigInput = {}): AuditConfig {
  return validateConfig(input, 'test', auditConfigSchema);
}

export function authzEvent(overrides: Partial<AuthzEvent> = {}): AuthzEvent {
  return {
    kind: 'authz',
    decision: 'allow',
    source: { principal: CALLER, address: '10.0.0.7', port: 51234, mtls: true },
    destination: { service: 'orders', principal: WRITER, port: 8443 },
    request: { protocol: 'http1', method: 'GET', path: '/orders/42', host: 'orders.shop' },
    policy: { entrypoint: 'palisade/authz/allow', revision: 'sha256:abc' },
    status: 200,
    latency_us: 87,
    ...overrides,
  };
}

export interface LogFixture {
  stateDir: string;
  dir: string;
  clock: ManualClock;
  open(config?: AuditConfigInput, extra?: Partial<OpenAuditLogOptions>): Promise<AuditLog>;
}

/** A state dir with an audit log directory `audit` (not yet created). Logs are closed after the test. */
export async function logFixture(t: Pick<TestContext, 'after'>): Promise<LogFixture> {
  const stateDir = await tempDir(t, 'palisade-audit-');
  const clock = new ManualClock();
  const opened: AuditLog[] = [];
  t.after(async () => {
    for (const log of opened) await log.close().catch(() => undefined);
  });
  return {
    stateDir,
    dir: join(stateDir, 'audit'),
    clock,
    async open(config = {}, extra = {}) {
      const log = await openAuditLog(auditConfig(config), {
        stateDir,
        identity: WRITER,
        clock,
        timers: false,
        logger: silentLogger(),
        ...extra,
      });
      opened.push(log);
      return log;
    },
  };
}

/** Write `n` allow/deny events and close: a complete, cleanly closed log. */
export async function writeLog(fx: LogFixture, n: number, config: AuditConfigInput = {}): Promise<void> {
  const log = await fx.open(config);
  for (let i = 0; i < n; i++) {
    fx.clock.advance(1);
    log.record(authzEvent({ decision: i % 3 === 0 ? 'deny' : 'allow', request_id: `req-${i}` }));
  }
  await log.close();
}

/** Log files (names with extension), oldest first. */
export async function logFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^audit-\d+-.*\.jsonl(\.gz)?$/.test(f)).sort();
}

export async function readFileLines(path: string): Promise<string[]> {
  const raw = await readFile(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export async function writeFileLines(path: string, lines: readonly string[]): Promise<void> {
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  await writeFile(path, path.endsWith('.gz') ? gzipSync(text) : text);
}

/** Recompute every hash from line `from` on (what an attacker without the key can do). */
export function rechain(lines: string[], from: number, prevHash?: string): string[] {
  let prev = prevHash ?? (openLine(lines[from - 1] as string)?.hash as string);
  return lines.map((line, i) => {
    if (i < from) return line;
    const opened = openLine(line);
    if (opened === null) return line;
    const sealed = sealLine(prev, opened.body);
    prev = sealed.hash;
    return sealed.line.slice(0, -1);
  });
}

export { linkHash };

export function silentLogger() {
  // A pino-compatible logger that records nothing; tests assert on the audit log, not on stderr.
  const noop = () => undefined;
  const logger = {
    error: noop,
    warn: noop,
    info: noop,
    debug: noop,
    trace: noop,
    fatal: noop,
    child: () => logger,
  };
  return logger as unknown as NonNullable<OpenAuditLogOptions['logger']>;
}
