/**
 * @module A real redis-server for tests: started on a free loopback port, stopped (and its files
 * removed) when the test ends. Tests that need it skip with a clear message when it is not installed;
 * CI installs Debian's `redis-server` (.ci/run).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** Why Redis tests are skipped, or undefined when redis-server is available. */
export const REDIS_SKIP: string | undefined = (() => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0
    ? undefined
    : 'redis-server is not installed (apt-get install redis-server); CI installs it';
})();

/** A running (or stopped, restartable) redis-server on a fixed loopback port. */
export class TestRedis {
  readonly port: number;
  readonly #dir: string;
  #child: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.#dir = dir;
  }

  /** Start a server on a free port; it is stopped and its directory removed after the test. */
  static async start(t: Pick<TestContext, 'after'>): Promise<TestRedis> {
    const redis = await TestRedis.create();
    t.after(() => redis.dispose());
    return redis;
  }

  /**
   * Start a server whose lifetime the caller manages (one server for a whole file: `before` creates it,
   * `after` disposes of it). Prefer `start(t)` inside a test.
   */
  static async create(): Promise<TestRedis> {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-redis-'));
    const redis = new TestRedis(await freePort(), dir);
    try {
      await redis.restart();
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return redis;
  }

  /** Stop the server and remove its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** (Re)start on the same port, with empty memory: as after a crash without persistence. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('TestRedis: already running');
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.#dir,
        '--loglevel',
        'notice',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => fail(new Error(`redis-server did not start on ${this.port}:\n${out}`)),
        15_000,
      );
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.#child = undefined;
        child.kill('SIGKILL');
        reject(err);
      };
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.once('exit', (code) => fail(new Error(`redis-server exited (${code}) on ${this.port}:\n${out}`)));
      child.once('error', fail);
    });
  }

  /** Stop the server (SIGTERM, then wait for exit). A no-op when stopped. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    child.removeAllListeners('exit');
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Freeze the server (SIGSTOP): connections stay open but nothing answers — a slow Redis. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
