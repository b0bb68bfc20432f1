/**
 * @module Worker-thread entry that hosts one policy evaluator (see worker-evaluator.ts). Authz layer.
 * Loads `createEvaluator` from the given module, says ready, then answers `{id, input}` messages in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PolicyEvaluator } from './engine.js';

if (parentPort === null) throw new Error('policy-worker.ts must run in a worker thread');
const port = parentPort;
const data = workerData as { moduleUrl: string; options: unknown };

let evaluator: PolicyEvaluator | undefined;
try {
  const mod = (await import(data.moduleUrl)) as {
    createEvaluator(options: unknown): Promise<PolicyEvaluator> | PolicyEvaluator;
  };
  evaluator = await mod.createEvaluator(data.options);
  port.postMessage({ ready: true });
} catch (err) {
  // Report and stay idle: the parent terminates this worker; throwing would look like a crash.
  port.postMessage({ error: err instanceof Error ? err.message : String(err) });
}

if (evaluator !== undefined) listen(evaluator);

function listen(evaluator: PolicyEvaluator): void {
  port.on('message', (msg: { id: number; input: never }) => {
    try {
      const result = evaluator.evaluate(msg.input);
      if (result instanceof Promise) {
        result.then(
          (r) => port.postMessage({ id: msg.id, ...r }),
          (err: unknown) => port.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) }),
        );
      } else port.postMessage({ id: msg.id, ...result });
    } catch (err) {
      port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
