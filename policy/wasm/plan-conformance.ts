/**
 * @module Conformance of the Wasm backend against OPA's own plans (../shared/opa-ir): every case's plan is
 * compiled, loaded through the official SDK, and its result compared with the result OPA got from the same
 * plan (`want_plan_result`). Reports pass counts per directory and each failure's reason. Wasm layer.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Policy } from '../ir/ir.js';
import { compilePlan } from './compile-plan.js';
import { loadPolicyModule } from './loader.js';

export interface PlanCase {
  readonly note: string;
  readonly plan: Policy;
  readonly data?: unknown;
  readonly input?: unknown;
  readonly input_term?: string;
  readonly want_plan_result: unknown[] | null;
  readonly strict_error?: boolean;
}

export interface CaseOutcome {
  readonly dir: string;
  readonly note: string;
  readonly ok: boolean;
  /** Why it failed: compile error, load error, evaluation error, or the differing results. */
  readonly reason?: string;
  readonly moduleBytes?: number;
}

/** Canonical JSON (object keys sorted) for order-insensitive comparison of result sets. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x);
}

function sameResultSet(got: unknown, want: unknown[]): boolean {
  if (!Array.isArray(got) || got.length !== want.length) return false;
  const a = got.map(canonical).sort();
  const b = want.map(canonical).sort();
  return a.every((x, i) => x === b[i]);
}

/** Run one case through plan → Wasm → SDK. */
export async function runPlanCase(dir: string, c: PlanCase): Promise<CaseOutcome> {
  let wasm: Uint8Array;
  try {
    wasm = (await compilePlan(c.plan)).wasm;
  } catch (err) {
    return { dir, note: c.note, ok: false, reason: `compile: ${(err as Error).message}` };
  }
  try {
    // network builtins work, as in OPA's harness (the suite resolves localhost)
    const mod = await loadPolicyModule(wasm, { strict: c.strict_error === true, network: 'allow' });
    if (c.data !== undefined) mod.setData(c.data);
    // Rego input terms (sets, non-string keys) go in as text the module parses itself
    const got = c.input_term !== undefined ? mod.evaluateText(c.input_term, 0) : mod.evaluate(c.input, 0);
    if (c.want_plan_result === null) {
      return {
        dir,
        note: c.note,
        ok: false,
        reason: `want an error, got ${JSON.stringify(got)}`,
        moduleBytes: wasm.length,
      };
    }
    if (sameResultSet(got, c.want_plan_result))
      return { dir, note: c.note, ok: true, moduleBytes: wasm.length };
    return {
      dir,
      note: c.note,
      ok: false,
      reason: `got ${JSON.stringify(got)}, want ${JSON.stringify(c.want_plan_result)}`,
      moduleBytes: wasm.length,
    };
  } catch (err) {
    if (c.want_plan_result === null) return { dir, note: c.note, ok: true, moduleBytes: wasm.length };
    return { dir, note: c.note, ok: false, reason: (err as Error).message, moduleBytes: wasm.length };
  }
}

/** Every case under `root/v1/<dir>/*.json`, optionally only directories whose name includes `filter`. */
export async function* planCases(root: string, filter = ''): AsyncGenerator<{ dir: string; c: PlanCase }> {
  const base = join(root, 'v1');
  for (const dir of (await readdir(base)).sort()) {
    if (!dir.includes(filter)) continue;
    for (const file of (await readdir(join(base, dir))).sort()) {
      if (!file.endsWith('.json')) continue;
      const doc = JSON.parse(await readFile(join(base, dir, file), 'utf8')) as { cases: PlanCase[] };
      for (const c of doc.cases) yield { dir, c };
    }
  }
}

/** Pass counts per directory. */
export function summarise(outcomes: readonly CaseOutcome[]): Map<string, { pass: number; total: number }> {
  const by = new Map<string, { pass: number; total: number }>();
  for (const o of outcomes) {
    const e = by.get(o.dir) ?? { pass: 0, total: 0 };
    e.total++;
    if (o.ok) e.pass++;
    by.set(o.dir, e);
  }
  return by;
}
