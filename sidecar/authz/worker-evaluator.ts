/**
 * @module Runs a policy evaluator in a worker thread with a deadline. Authz layer: a policy that never
 * returns cannot stall the proxy — the stuck call is denied on timeout, the worker is terminated and a
 * fresh one loads the same policy, and calls queued behind the stuck one are replayed on the new worker.
 */
import { Worker } from 'node:worker_threads';
import { SidecarError } from '../errors.js';
import type { PolicyEvaluator, RawDecision } from './engine.js';
import type { PolicyInput } from './input.js';

/** What the worker loads: a module exporting `createEvaluator(options): Promise<PolicyEvaluator>`. */
export interface WorkerEvaluatorOptions {
  moduleUrl: string;
  /** Structured-cloneable options passed to `createEvaluator` (e.g. Wasm bytes, data, entrypoints). */
  options: unknown;
  timeoutMs: number;
  /** Called when a worker had to be replaced (metrics, logs). */
  onRestart?: (why: string) => void;
}

interface Pending {
  id: number;
  input: PolicyInput;
  resolve: (d: RawDecision) => void;
  reject: (e: Error) => void;
}

type Reply = ({ id: number } & RawDecision) | { id: number; error: string };

// Compiled: ./policy-worker.js. From source under tsx, a worker's entry loads before tsx's hooks apply to
// it, so boot through a data: URL that registers tsx and then imports the TypeScript entry.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_FILE = new URL(`./policy-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
const WORKER_URL = FROM_SOURCE
  ? new URL(
      `data:text/javascript,${encodeURIComponent(
        `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(WORKER_FILE.href)});`,
      )}`,
    )
  : WORKER_FILE;

/** A policy evaluator in a worker thread. Evaluations run one at a time, in order. */
export class WorkerEvaluator implements PolicyEvaluator {
  readonly #opts: WorkerEvaluatorOptions;
  #worker: Worker | undefined;
  /** The worker has loaded the policy and is answering; false while a replacement starts. */
  #live = false;
  #ready: Promise<void>;
  #queue: Pending[] = [];
  #nextId = 1;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(opts: WorkerEvaluatorOptions) {
    this.#opts = opts;
    this.#ready = this.#spawn();
  }

  /** Start the worker and wait until the policy has loaded in it (rejects if loading fails). */
  static async start(opts: WorkerEvaluatorOptions): Promise<WorkerEvaluator> {
    const evaluator = new WorkerEvaluator(opts);
    try {
      await evaluator.#ready;
    } catch (err) {
      await evaluator.close();
      throw err;
    }
    return evaluator;
  }

  evaluate(input: PolicyInput): Promise<RawDecision> {
    if (this.#closed) return Promise.reject(new SidecarError('ERR_SIDECAR_POLICY_EVAL', 'evaluator closed'));
    return new Promise<RawDecision>((resolve, reject) => {
      const pending: Pending = { id: this.#nextId++, input, resolve, reject };
      this.#queue.push(pending);
      if (this.#queue.length === 1) this.#armTimer();
      // A worker still starting gets the whole queue once it has loaded.
      if (this.#live) this.#worker?.postMessage({ id: pending.id, input });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const err = new SidecarError('ERR_SIDECAR_POLICY_EVAL', 'evaluator closed');
    for (const p of this.#queue.splice(0)) p.reject(err);
    await this.#worker?.terminate();
    this.#worker = undefined;
  }

  #spawn(): Promise<void> {
    const worker = new Worker(WORKER_URL, {
      workerData: { moduleUrl: this.#opts.moduleUrl, options: this.#opts.options },
    });
    worker.unref();
    this.#worker = worker;
    let loaded = false;
    return new Promise<void>((resolve, reject) => {
      worker.once('message', (first: { ready?: true; error?: string }) => {
        if (first.error !== undefined) {
          void worker.terminate();
          reject(new SidecarError('ERR_SIDECAR_POLICY_LOAD', `policy failed to load: ${first.error}`));
          return;
        }
        loaded = true;
        this.#live = true;
        worker.on('message', (reply: Reply) => this.#onReply(reply));
        // Replay whatever was queued while this worker was starting.
        for (const p of this.#queue) worker.postMessage({ id: p.id, input: p.input });
        resolve();
      });
      worker.once('error', (err) => {
        reject(
          new SidecarError('ERR_SIDECAR_POLICY_LOAD', `policy worker failed: ${err.message}`, { cause: err }),
        );
        if (loaded && this.#worker === worker) this.#replace(`worker crashed: ${err.message}`, err);
      });
    });
  }

  #onReply(reply: Reply): void {
    const head = this.#queue[0];
    if (head === undefined || head.id !== reply.id) return; // reply from a call already timed out
    this.#queue.shift();
    if ('error' in reply) head.reject(new SidecarError('ERR_SIDECAR_POLICY_EVAL', reply.error));
    else {
      const { id: _id, ...decision } = reply;
      head.resolve(decision);
    }
    // An empty queue leaves the timer as it is: it fires into an empty queue and does nothing. Never
    // clearTimeout() it here: refresh() does not re-arm a cleared timer, so the next call would have no
    // deadline at all.
    if (this.#queue.length > 0) this.#armTimer();
  }

  /**
   * One timer for the call at the head of the queue. `refresh()` restarts it without allocating (also once
   * it has fired); the head may thus get up to one extra timeout of grace, never less than its full timeout.
   */
  #armTimer(): void {
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#onTimeout(), this.#opts.timeoutMs);
      this.#timer.unref();
    } else this.#timer.refresh();
  }

  #onTimeout(): void {
    const head = this.#queue.shift();
    if (head === undefined) return;
    head.reject(
      new SidecarError(
        'ERR_SIDECAR_POLICY_TIMEOUT',
        `policy did not answer within ${this.#opts.timeoutMs}ms`,
      ),
    );
    if (this.#live) this.#replace('policy evaluation timed out');
    // A replacement still starting is not stuck, only slower to load than one timeout: killing it would
    // start over, and under steady traffic never finish. The call waited too long and is denied; the
    // next one gets its own deadline.
    else if (this.#queue.length > 0) this.#armTimer();
  }

  #replace(why: string, cause?: unknown): void {
    if (this.#closed) return;
    const old = this.#worker;
    this.#worker = undefined;
    this.#live = false;
    void old?.terminate();
    this.#opts.onRestart?.(why);
    this.#ready = this.#spawn();
    this.#ready.then(
      () => {
        if (this.#queue.length > 0) this.#armTimer();
      },
      (err: unknown) => {
        const fail = new SidecarError('ERR_SIDECAR_POLICY_EVAL', `policy worker could not restart: ${why}`, {
          cause: cause ?? err,
        });
        for (const p of this.#queue.splice(0)) p.reject(fail);
      },
    );
  }
}
