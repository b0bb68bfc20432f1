/**
 * @module Runs one conformance case end to end in the chosen mode: OPA's own plan (`--plans`) or our
 * front end (compile → plan), then the IR evaluator or the Wasm backend. Conformance layer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { regoParseModule } from '../compile/index.js';
import { evaluatePlan, RegoEvalError } from '../eval/index.js';
import type { Policy } from '../ir/ir.js';
import { ObjectValue, parseRegoTerm, toJS, toJson } from '../value/index.js';
import type { CaseResult, Target } from './expect.js';
import { frontEndPlan } from './front-end.js';
import type { ConformanceCase } from './suite.js';
import { wasmEvaluate } from './wasm-target.js';

export interface RunOptions {
  /** Root of OPA's plans (`../shared/opa-ir/v1`): evaluate OPA's plan instead of compiling ours. */
  readonly plansRoot: string | undefined;
  readonly target: Target;
}

// OPA's plan files parsed once per worker (a file holds several cases).
const planFiles = new Map<string, { cases: { plan: Policy }[] }>();

function opaPlan(root: string, c: ConformanceCase): Policy {
  const file = c.file.replace(/\.ya?ml$/, '.json');
  let doc = planFiles.get(file);
  if (!doc) {
    doc = JSON.parse(readFileSync(join(root, file), 'utf8')) as { cases: { plan: Policy }[] };
    planFiles.set(file, doc);
  }
  const entry = doc.cases[c.index];
  if (!entry) throw new Error(`no OPA plan for case ${c.index} in ${file}`);
  return withHarnessFileNames(entry.plan);
}

/**
 * OPA's plan generator named the modules `module-N.rego`; OPA's conformance harness names them
 * `test-N.rego`, and expected error messages carry that name. Use the harness's names.
 */
function withHarnessFileNames(plan: Policy): Policy {
  const files = plan.static?.files;
  if (!files) return plan;
  const renamed = files.map((f) => ({ value: f.value.replace(/^module-(\d+)\.rego$/, 'test-$1.rego') }));
  return { ...plan, static: { ...plan.static, files: renamed } };
}

/** Run a case; never throws (a crash becomes an error result with code `crash`). */
export async function runCase(c: ConformanceCase, opts: RunOptions): Promise<CaseResult> {
  try {
    const input = c.inputTerm !== undefined ? parseRegoTerm(c.inputTerm) : c.input;
    const data = c.data ?? new ObjectValue();
    const planned =
      opts.plansRoot !== undefined ? { policy: opaPlan(opts.plansRoot, c) } : await frontEndPlan(c);
    if ('error' in planned) return planned.error;
    if (opts.target === 'wasm') {
      const inputText = c.inputTerm ?? (input === undefined ? undefined : toJson(input));
      const resultSet = await wasmEvaluate(planned.policy, toJS(data), inputText, c.strictError);
      return { kind: 'result', resultSet };
    }
    const resultSet = evaluatePlan(planned.policy, {
      input,
      data,
      strictBuiltinErrors: c.strictError,
      now: () => BigInt(Date.now()) * 1_000_000n,
      print: () => {},
      // As OPA's harness: network builtins work (the suite resolves localhost).
      network: 'allow',
      parseModule: regoParseModule(),
    });
    return { kind: 'result', resultSet };
  } catch (err) {
    return errorResult(err);
  }
}

/** An exception as a case result: OPA codes where the error carries one. */
export function errorResult(err: unknown): CaseResult {
  if (err instanceof RegoEvalError) return { kind: 'error', code: err.regoCode, message: err.message };
  const e = err as {
    regoCode?: unknown;
    errors?: { code?: unknown; message?: unknown }[];
    message?: unknown;
  };
  if (typeof e?.regoCode === 'string') return { kind: 'error', code: e.regoCode, message: String(e.message) };
  const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
  if (first && typeof first.code === 'string') {
    return { kind: 'error', code: first.code, message: String(e.message ?? first.message) };
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { kind: 'error', code: 'crash', message: message.split('\n').slice(0, 4).join(' | ') };
}
