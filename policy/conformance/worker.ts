/**
 * @module Worker thread that runs conformance cases one at a time, so the main thread can time a case out
 * (evaluation is synchronous) and a crash never takes the run down. Conformance layer.
 */
import { parentPort } from 'node:worker_threads';
import { judge } from './expect.js';
import { type RunOptions, runCase } from './run-case.js';
import { type ConformanceCase, loadCaseFile } from './suite.js';

/** A case to run, by position (values are not structured-cloneable, so the worker reads the file). */
export interface CaseRequest {
  readonly id: number;
  readonly root: string;
  readonly file: string;
  readonly index: number;
  readonly options: RunOptions;
}

export interface CaseOutcome {
  readonly id: number;
  readonly pass: boolean;
  readonly reason: string | undefined;
  readonly ms: number;
}

const files = new Map<string, ConformanceCase[]>();

parentPort?.on('message', async (req: CaseRequest) => {
  const start = performance.now();
  let reason: string | undefined;
  try {
    const key = `${req.root}\u0000${req.file}`;
    let cases = files.get(key);
    if (!cases) {
      cases = loadCaseFile(req.root, req.file);
      files.set(key, cases);
    }
    const c = cases[req.index];
    if (!c) throw new Error(`no case ${req.index} in ${req.file}`);
    reason = judge(c, await runCase(c, req.options), req.options.target);
  } catch (err) {
    reason = `runner error: ${(err as Error).message}`;
  }
  const outcome: CaseOutcome = {
    id: req.id,
    pass: reason === undefined,
    reason,
    ms: performance.now() - start,
  };
  parentPort?.postMessage(outcome);
});
