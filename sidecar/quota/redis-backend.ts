/**
 * @module The Redis connection behind `global` limits (ioredis): one script round trip per request, a
 * hard timeout, no offline queue, background reconnect. Sidecar layer, quota.
 *
 * A request never waits for Redis longer than `timeout`: while disconnected, calls fail at once
 * (`enableOfflineQueue: false`); while connected but slow, ioredis's `commandTimeout` rejects them.
 * A call cut off by a dropped connection is never resent after reconnecting
 * (`autoResendUnfulfilledCommands: false`): resending could charge a bucket twice for one request.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../lib/logger.js';
import type { QuotaConfig } from './config.js';
import { QuotaError } from './errors.js';
import type { QuotaMetrics, RedisFailure } from './metrics.js';
import {
  decodeTakeBatch,
  encodeTakeBatch,
  type GlobalBucket,
  TAKE_BATCH_SCRIPT,
  type TakeReply,
  type TakeRequest,
} from './redis-script.js';

type GlobalConfig = NonNullable<QuotaConfig['global']>;

/** The custom command ioredis adds for the script (EVALSHA, EVAL on NOSCRIPT). */
type WithTake = Redis & { palisadeQuotaTake(...args: (string | number)[]): Promise<unknown> };

/** A request waiting for the next script call. */
interface Waiting extends TakeRequest {
  resolve(reply: TakeReply): void;
  reject(err: QuotaError): void;
}

/** Requests decided by one script call at most: bounds the script's run time inside Redis. */
const MAX_BATCH = 128;

export interface RedisBackendOptions {
  logger: Logger;
  metrics: QuotaMetrics;
  /** Read from `password_file` by the caller. */
  password?: string;
  /** PEM read from `ca_file` by the caller. */
  ca?: string;
}

/** Connection to the Redis that holds the mesh-wide buckets. */
export class RedisQuotaBackend {
  readonly #client: WithTake;
  readonly #logger: Logger;
  readonly #metrics: QuotaMetrics;
  readonly #useRedisClock: boolean;
  readonly #address: string;
  #down = false;
  #batch: Waiting[] = [];

  constructor(config: GlobalConfig, options: RedisBackendOptions) {
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#useRedisClock = config.time_source === 'redis';
    const url = new URL(config.redis.url);
    this.#address = `${url.hostname}:${url.port || '6379'}`;
    const redisOptions: RedisOptions = {
      connectionName: 'palisade-quota',
      commandTimeout: config.timeout,
      connectTimeout: config.connect_timeout,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Concurrent requests' scripts leave in one write: throughput without a batching delay.
      enableAutoPipelining: true,
      // RESP2: we need nothing from RESP3, and Redis before 6 does not speak it.
      protocol: 2,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 16), config.reconnect_max_delay),
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(url.protocol === 'rediss:'
        ? { tls: { servername: url.hostname, ...(options.ca === undefined ? {} : { ca: options.ca }) } }
        : {}),
    };
    this.#client = new Redis(config.redis.url, redisOptions) as WithTake;
    this.#client.defineCommand('palisadeQuotaTake', { lua: TAKE_BATCH_SCRIPT });
    this.#metrics.redisUp(false);
    this.#client.on('ready', () => {
      this.#metrics.redisUp(true);
      if (this.#down) this.#logger.info({ redis: this.#address }, 'quota: redis connection restored');
      this.#down = false;
    });
    this.#client.on('close', () => this.#markDown('connection closed'));
    // ioredis emits 'error' on every failed reconnect; without a listener Node would treat it as fatal.
    this.#client.on('error', (err: Error) => this.#markDown(err.message));
  }

  /** True while connected and ready: global limits are enforced by Redis. */
  get ready(): boolean {
    return this.#client.status === 'ready';
  }

  /** Resolves once connected (tests and startup probes; requests never wait for this). */
  async whenReady(): Promise<void> {
    if (this.ready) return;
    await new Promise<void>((resolve) => this.#client.once('ready', () => resolve()));
  }

  /**
   * Charge every bucket of one request, all or nothing. `nowMs` is used when `time_source: sidecar`.
   * Rejects with `ERR_QUOTA_REDIS_UNAVAILABLE` (the cause attached) when Redis cannot answer in time.
   */
  take(buckets: readonly GlobalBucket[], nowMs: number): Promise<TakeReply> {
    return new Promise<TakeReply>((resolve, reject) => {
      this.#batch.push({ buckets, nowMs: this.#useRedisClock ? undefined : nowMs, resolve, reject });
      // Requests handled in this turn of the event loop (every socket that had data) leave in one script
      // call right after it: no timer, no added wait beyond the turn itself.
      if (this.#batch.length === 1) setImmediate(() => void this.#flush());
      else if (this.#batch.length >= MAX_BATCH) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    const started = process.hrtime.bigint();
    let reply: unknown;
    try {
      reply = await this.#client.palisadeQuotaTake(...encodeTakeBatch(batch));
    } catch (err) {
      const reason = this.#classify(err);
      // Counted per request: each of them had its round trip fail.
      for (let i = 0; i < batch.length; i++) this.#metrics.redisFailure(reason);
      const failure = new QuotaError(
        'ERR_QUOTA_REDIS_UNAVAILABLE',
        `quota: redis ${reason}: ${(err as Error).message}`,
        { cause: err },
      );
      for (const w of batch) w.reject(failure);
      return;
    }
    this.#metrics.redisLatency(Number(process.hrtime.bigint() - started) / 1e9);
    let replies: TakeReply[];
    try {
      replies = decodeTakeBatch(reply, batch);
    } catch (err) {
      for (let i = 0; i < batch.length; i++) this.#metrics.redisFailure('error');
      const failure = new QuotaError('ERR_QUOTA_REDIS_UNAVAILABLE', `quota: ${(err as Error).message}`, {
        cause: err,
      });
      for (const w of batch) w.reject(failure);
      return;
    }
    for (let i = 0; i < batch.length; i++) (batch[i] as Waiting).resolve(replies[i] as TakeReply);
  }

  /** Close the connection; pending calls fail (their requests fall back per `on_unavailable`). */
  async close(): Promise<void> {
    this.#client.removeAllListeners('ready');
    this.#client.removeAllListeners('close');
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
    this.#metrics.redisUp(false);
  }

  #classify(err: unknown): RedisFailure {
    const message = err instanceof Error ? err.message : String(err);
    if (/timed? ?out/i.test(message)) return 'timeout';
    return this.ready ? 'error' : 'unavailable';
  }

  #markDown(reason: string): void {
    this.#metrics.redisUp(false);
    // One warning per outage, not one per reconnect attempt.
    if (!this.#down) {
      this.#down = true;
      this.#logger.warn(
        { redis: this.#address, reason },
        'quota: redis unavailable; global limits follow on_unavailable until it is back',
      );
    }
  }
}
