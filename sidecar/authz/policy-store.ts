/**
 * @module Keeps the policy in force: loads the configured bundle, checks a new module against sample inputs
 * before swapping it in, reloads when the bundle changes, and keeps the last good policy when a new one
 * fails (reported by log, metric and admin status). Authz layer.
 */
import type { Logger } from '../../lib/logger.js';
import type { SidecarMetrics } from '../admin/metrics.js';
import type { PolicyConfig } from '../config.js';
import { SidecarError } from '../errors.js';
import { deadlineError, micros, pastDeadline } from './authorize.js';
import { checkBundleSignature, type SigningKey } from './bundle-signature.js';
import { bundleStamp, readBundle } from './bundle-source.js';
import type { LoadedPolicy, PolicyEngine, PolicyEvaluator } from './engine.js';
import { sampleInputs } from './samples.js';
import { createEvaluator, type WasmEvaluatorOptions } from './wasm-evaluator.js';
import { WorkerEvaluator } from './worker-evaluator.js';

/** What admin `/ready` and `/config` report about the policy. */
export interface PolicyStatus {
  readonly revision: string | undefined;
  readonly loadedAt: string | undefined;
  readonly lastError: string | undefined;
  readonly lastErrorAt: string | undefined;
}

const WASM_EVALUATOR_URL = new URL(
  `./wasm-evaluator.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
).href;

export class PolicyStore implements PolicyEngine {
  readonly #config: PolicyConfig;
  readonly #logger: Logger;
  readonly #metrics: SidecarMetrics;
  #current: LoadedPolicy | undefined;
  #stamp: string | undefined;
  /** A change seen on the last poll, loaded once the next poll finds the bundle unchanged since. */
  #settling: string | undefined;
  #status: PolicyStatus = {
    revision: undefined,
    loadedAt: undefined,
    lastError: undefined,
    lastErrorAt: undefined,
  };
  #timer: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;

  readonly #quotaEntrypoint: string | undefined;
  readonly #verificationKey: SigningKey | undefined;

  /**
   * `quotaEntrypoint`: when the sidecar enforces quota, the rule whose value is the request's limits.
   * `verificationKey`: when set, only bundles signed by it load.
   */
  constructor(
    config: PolicyConfig,
    logger: Logger,
    metrics: SidecarMetrics,
    options: { quotaEntrypoint?: string; verificationKey?: SigningKey } = {},
  ) {
    this.#config = config;
    this.#quotaEntrypoint = options.quotaEntrypoint;
    this.#verificationKey = options.verificationKey;
    this.#logger = logger;
    this.#metrics = metrics;
  }

  get current(): LoadedPolicy | undefined {
    return this.#current;
  }

  get allowEntrypoint(): string {
    return this.#config.entrypoints.allow;
  }

  get status(): PolicyStatus {
    return this.#status;
  }

  /** Load now (if changed), then poll for changes. Never throws: failures keep the last good policy. */
  async start(): Promise<void> {
    await this.reload();
    this.#timer = setInterval(() => void this.reload(), this.#config.poll_interval);
    this.#timer.unref();
  }

  /** Reload if the bundle changed on disk (or `force`). Concurrent calls share one load. */
  reload(force = false): Promise<void> {
    this.#loading ??= this.#reload(force).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#loading;
    await this.#current?.close();
    this.#current = undefined;
  }

  async #reload(force: boolean): Promise<void> {
    const path = this.#config.bundle;
    let stamp: string;
    try {
      stamp = await bundleStamp(path);
    } catch (err) {
      if (this.#stamp !== 'missing')
        this.#fail(new SidecarError('ERR_SIDECAR_POLICY_LOAD', `${path}: ${(err as Error).message}`));
      this.#stamp = 'missing';
      return;
    }
    if (!force && stamp === this.#stamp) return;
    // A bundle directory is written file by file: load a change only once it has stood still for one
    // poll, so a half-written bundle (new manifest, old module) is never loaded. The first load is
    // immediate, as is `reload(true)`.
    if (!force && this.#stamp !== undefined && this.#stamp !== 'missing' && stamp !== this.#settling) {
      this.#settling = stamp;
      return;
    }
    this.#settling = undefined;
    this.#stamp = stamp;
    let next: LoadedPolicy | undefined;
    try {
      next = await this.#load(path);
      await preflight(next);
    } catch (err) {
      await next?.close();
      this.#fail(err);
      return;
    }
    const previous = this.#current;
    this.#current = next;
    this.#status = { ...this.#status, revision: next.revision, loadedAt: new Date().toISOString() };
    this.#metrics.policyReloads.labels('ok').inc();
    this.#metrics.policyRevision.reset();
    this.#metrics.policyRevision.labels(next.revision).set(1);
    this.#logger.info(
      { revision: next.revision, bundle: path, previous: previous?.revision },
      'policy loaded',
    );
    // Let evaluations already running on the old module finish before freeing it.
    if (previous) setTimeout(() => void previous.close(), this.#config.timeout * 2).unref();
  }

  async #load(path: string): Promise<LoadedPolicy> {
    const bundle = await readBundle(path);
    if (this.#verificationKey !== undefined) await checkBundleSignature(bundle, this.#verificationKey, path);
    const options: WasmEvaluatorOptions = {
      wasm: bundle.wasm,
      data: bundle.data,
      allow: this.#config.entrypoints.allow,
      reason: this.#config.entrypoints.reason,
      ...(this.#quotaEntrypoint === undefined ? {} : { quota: this.#quotaEntrypoint }),
    };
    let evaluator: PolicyEvaluator & { close?: () => Promise<void> };
    let entrypoints: readonly string[] = [this.#config.entrypoints.allow];
    if (this.#config.isolation === 'worker') {
      evaluator = await WorkerEvaluator.start({
        moduleUrl: WASM_EVALUATOR_URL,
        options,
        timeoutMs: this.#config.timeout,
        onRestart: (why) => {
          this.#metrics.policyWorkerRestarts.inc();
          this.#logger.warn({ revision: bundle.revision, why }, 'policy worker replaced');
        },
      });
    } else {
      const inline = await createEvaluator(options);
      // V8 compiles a Wasm module's functions on their first calls: warm them on the sample inputs before
      // the deadline applies, so a cold start on a busy machine does not fail the preflight. Errors here
      // are the preflight's to report.
      for (const input of sampleInputs()) {
        try {
          inline.evaluate(input);
        } catch {}
      }
      entrypoints = inline.entrypoints;
      evaluator = inline;
    }
    return {
      revision: bundle.revision,
      entrypoints,
      // An inline decision slower than policy.timeout is refused by authorize(), which times every evaluation.
      ...(this.#config.isolation === 'worker' ? {} : { deadlineMicros: this.#config.timeout * 1000 }),
      evaluate: (input) => evaluator.evaluate(input),
      close: async () => evaluator.close?.(),
    };
  }

  #fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#metrics.policyReloads.labels('error').inc();
    this.#status = { ...this.#status, lastError: message, lastErrorAt: new Date().toISOString() };
    this.#logger.error(
      { bundle: this.#config.bundle, keeping: this.#current?.revision ?? 'none' },
      `policy bundle rejected, keeping the last good policy: ${message}`,
    );
  }
}

/** Evaluate the new module on sample inputs; any throw or timeout rejects it before it serves traffic. */
async function preflight(policy: LoadedPolicy): Promise<void> {
  for (const input of sampleInputs()) {
    try {
      const started = process.hrtime.bigint();
      await policy.evaluate(input);
      if (pastDeadline(policy, micros(started))) throw deadlineError(policy);
    } catch (err) {
      throw new SidecarError(
        'ERR_SIDECAR_POLICY_LOAD',
        `policy fails on a sample input (${input.request.protocol} ${input.request.method} ${input.request.path}): ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}
