/**
 * @module `policy build` as a library: Rego directories (through the front end) or a plan file → Wasm
 * module → OPA bundle, with the data documents found beside the policies. Wasm layer.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileModules, formatRegoError, planEntrypoints, type SourceFile } from '../compile/index.js';
import { PolicyError } from '../errors.js';
import type { Policy } from '../ir/ir.js';
import { buildBundle } from './bundle.js';
import type { SigningKey } from './bundle-sign.js';
import { compilePlan, parsePlan } from './compile-plan.js';

export interface BuildOptions {
  /** Rego files or directories (ignored with `fromPlan`). */
  readonly paths: readonly string[];
  /** Entrypoints as `pkg/rule` (or `data.pkg.rule`). */
  readonly entrypoints: readonly string[];
  readonly fromPlan?: string;
  readonly v0Compatible?: boolean;
  readonly signingKey?: SigningKey;
  readonly revision?: string;
}

export interface BuildResult {
  readonly bundle: Uint8Array;
  readonly wasmBytes: number;
  readonly entrypoints: Record<string, number>;
  readonly hostBuiltins: string[];
  readonly warnings: string[];
  readonly files: number;
  readonly signed: boolean;
}

/** `data.x.y` and `x.y` and `x/y` all name the entrypoint `x/y`. */
export function normaliseEntrypoint(e: string): string {
  const s = e.trim().replace(/^data\./, '');
  return s.includes('/') ? s.replace(/^\/+|\/+$/g, '') : s.replaceAll('.', '/');
}

function usage(message: string, cause?: unknown): PolicyError {
  return new PolicyError('ERR_POLICY_BUILD', message, { cause, exitCode: 2 });
}

async function walk(p: string, out: string[]): Promise<void> {
  const st = await stat(p).catch((err: unknown) => {
    throw usage(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
  });
  if (!st.isDirectory()) {
    out.push(p);
    return;
  }
  for (const name of (await readdir(p)).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    await walk(join(p, name), out);
  }
}

/** Merge `data.json`/`data.yaml` files into one document at their directory's path (as `opa build` does). */
async function collectData(
  roots: readonly string[],
): Promise<{ data: Record<string, unknown>; rego: SourceFile[] }> {
  const data: Record<string, unknown> = {};
  const rego: SourceFile[] = [];
  for (const root of roots) {
    const files: string[] = [];
    await walk(root, files);
    for (const file of files) {
      const base = file.split(sep).pop()!;
      if (file.endsWith('.rego')) {
        rego.push({ path: file, text: await readFile(file, 'utf8') });
        continue;
      }
      if (!['data.json', 'data.yaml', 'data.yml'].includes(base)) continue;
      const text = await readFile(file, 'utf8');
      let doc: unknown;
      try {
        doc = base === 'data.json' ? JSON.parse(text) : parseYaml(text);
      } catch (err) {
        throw usage(
          `${file}: not valid ${base.endsWith('json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
          err,
        );
      }
      const rel = relative(root, file).split(sep).slice(0, -1);
      let node = data;
      for (const seg of rel) {
        const next = node[seg];
        if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next))
          node[seg] = {};
        node = node[seg] as Record<string, unknown>;
      }
      if (rel.length === 0 && (doc === null || typeof doc !== 'object' || Array.isArray(doc))) {
        throw usage(`${file}: the root data document must be an object`);
      }
      if (rel.length === 0) Object.assign(node, doc);
      else node[rel.pop() ?? ''] = doc;
    }
  }
  return { data, rego };
}

/** Build the bundle; throws PolicyError (compile errors list every Rego diagnostic). */
export async function buildPolicyBundle(options: BuildOptions): Promise<BuildResult> {
  const entrypoints = options.entrypoints.map(normaliseEntrypoint);
  let plan: Policy;
  let data: Record<string, unknown> = {};
  if (options.fromPlan) {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(options.fromPlan, 'utf8'));
    } catch (err) {
      throw usage(`cannot read plan ${options.fromPlan}: ${(err as Error).message}`, err);
    }
    plan = parsePlan(doc, options.fromPlan);
    const names = (plan.plans?.plans ?? []).map((p) => p.name);
    const unknown = entrypoints.filter((e) => !names.includes(e));
    if (unknown.length > 0)
      throw usage(`${options.fromPlan} has no plan for ${unknown.join(', ')} (it has ${names.join(', ')})`);
    if (options.paths.length > 0) data = (await collectData(options.paths)).data;
  } else {
    if (options.paths.length === 0) throw usage('give at least one policy directory or file, or --from-plan');
    if (entrypoints.length === 0) throw usage('give at least one entrypoint with -e (e.g. -e authz/allow)');
    const collected = await collectData(options.paths);
    data = collected.data;
    if (collected.rego.length === 0) throw usage(`no .rego files under ${options.paths.join(', ')}`);
    const compiled = compileModules(collected.rego, { v0Compatible: options.v0Compatible ?? false });
    if (!compiled.ok) {
      throw new PolicyError(
        'ERR_POLICY_BUILD',
        [`${compiled.errors.length} error(s) occurred:`, ...compiled.errors.map(formatRegoError)].join('\n'),
      );
    }
    try {
      plan = planEntrypoints(compiled.compiled, entrypoints);
    } catch (err) {
      throw new PolicyError(
        'ERR_POLICY_BUILD',
        `cannot plan ${entrypoints.join(', ')}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  const compiled = await compilePlan(plan);
  const order = Object.entries(compiled.entrypoints)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name);
  const bundle = await buildBundle({
    wasm: compiled.wasm,
    entrypoints: order,
    data,
    revision: options.revision,
    signingKey: options.signingKey,
    regoVersion: options.v0Compatible ? 0 : 1,
  });
  return {
    bundle,
    wasmBytes: compiled.wasm.length,
    entrypoints: compiled.entrypoints,
    hostBuiltins: compiled.hostBuiltins,
    warnings: compiled.warnings,
    files: options.signingKey ? 4 : 3,
    signed: options.signingKey !== undefined,
  };
}
