/**
 * @module A small pool of case-running workers with a per-case timeout: a case that hangs is reported as
 * a timeout and its worker replaced. Conformance layer.
 */
import { Worker } from 'node:worker_threads';
import type { CaseOutcome, CaseRequest } from './worker.js';

// Run the worker from the same kind of file as this module: compiled .js, or .ts under tsx (which the
// worker then needs to load too).
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_FILE = new URL(`./worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
// Under tsx, a worker's own entry is loaded before tsx's hooks apply to it: boot through a data: URL
// module that registers tsx first, then imports the TypeScript worker.
const WORKER_URL = FROM_SOURCE
  ? new URL(
      `data:text/javascript,${encodeURIComponent(
        `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(WORKER_FILE.href)});`,
      )}`,
    )
  : WORKER_FILE;
const WORKER_OPTIONS = {};

class Slot {
  #worker: Worker | undefined;

  run(req: CaseRequest, timeoutMs: number): Promise<CaseOutcome> {
    this.#worker ??= new Worker(WORKER_URL, WORKER_OPTIONS);
    const worker = this.#worker;
    return new Promise((resolve) => {
      const done = (o: CaseOutcome) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(o);
      };
      const fail = (reason: string) => {
        this.#worker = undefined;
        void worker.terminate();
        done({ id: req.id, pass: false, reason, ms: timeoutMs });
      };
      const onMessage = (o: CaseOutcome) => done(o);
      const onError = (err: Error) => fail(`worker crashed: ${err.message}`);
      const onExit = (code: number) => fail(`worker exited with code ${code}`);
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    await this.#worker?.terminate();
    this.#worker = undefined;
  }
}

/** Run every request on `jobs` workers; outcomes come back in request order. */
export async function runAll(
  requests: readonly CaseRequest[],
  opts: { jobs: number; timeoutMs: number; onOutcome?: (o: CaseOutcome) => void },
): Promise<CaseOutcome[]> {
  const slots = Array.from({ length: Math.max(1, opts.jobs) }, () => new Slot());
  const outcomes: CaseOutcome[] = new Array(requests.length);
  let next = 0;
  await Promise.all(
    slots.map(async (slot) => {
      while (next < requests.length) {
        const i = next++;
        const o = await slot.run(requests[i] as CaseRequest, opts.timeoutMs);
        outcomes[i] = o;
        opts.onOutcome?.(o);
      }
      await slot.close();
    }),
  );
  return outcomes;
}
