/**
 * @module A small pool of case-running workers with a per-case timeout: a case that hangs is reported as
 * a timeout and its worker replaced. Conformance layer.
 */
import { Worker } from 'node:worker_threads';
import type { CaseOutcome, CaseRequest } from './worker.js';

// Run the worker from the same kind of file as this module (.ts under tsx, .js when compiled).
const WORKER_URL = new URL(`./worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

class Slot {
  #worker: Worker | undefined;

  run(req: CaseRequest, timeoutMs: number): Promise<CaseOutcome> {
    const worker = (this.#worker ??= new Worker(WORKER_URL));
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
