/**
 * @module Builds the demo mesh's policy bundle for `palisade up`: the Rego files of `policies/` go through
 * the real pipeline — compile → plan (authz entrypoints) → Wasm — into an OPA-format bundle directory
 * (`policy.wasm`, `data.json`, `.manifest`) that the sidecars load and watch. Demo layer.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import { compileModules, planEntrypoints } from '../../policy/compile/index.js';
import { SidecarError } from '../errors.js';
import { DECISION_ENTRYPOINT, decisionModule } from '../quota/decision.js';

export const AUTHZ_ENTRYPOINTS = ['palisade/authz/allow', 'palisade/authz/reason'];

export interface BuiltBundle {
  readonly dir: string;
  readonly revision: string;
  readonly files: readonly string[];
  readonly hostBuiltins: readonly string[];
  readonly wasmBytes: number;
}

export interface BuildOptions {
  /**
   * The quota entrypoint (e.g. `palisade/quota/limits`): the bundle then also gets the generated decision
   * module, so the sidecar evaluates authorization and quota in one call (sidecar/quota/decision.ts).
   */
  readonly quota?: string;
}

/** Compile every non-test `.rego` file in `policyDir` and write the bundle into `outDir`. */
export async function buildPolicyBundle(
  policyDir: string,
  outDir: string,
  options: BuildOptions = {},
): Promise<BuiltBundle> {
  let names: string[];
  try {
    names = (await readdir(policyDir)).filter((n) => n.endsWith('.rego') && !n.endsWith('_test.rego')).sort();
  } catch (err) {
    throw new SidecarError(
      'ERR_SIDECAR_UP',
      `cannot read policies from ${policyDir}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const files = await Promise.all(
    names.map(async (n) => ({ path: join(policyDir, n), text: await readFile(join(policyDir, n), 'utf8') })),
  );
  const entrypoints = [...AUTHZ_ENTRYPOINTS];
  if (options.quota !== undefined) {
    const [allow, reason] = AUTHZ_ENTRYPOINTS as [string, string];
    files.push({
      path: join(outDir, 'palisade_sidecar.rego'),
      text: decisionModule({ allow, reason, quota: options.quota }),
    });
    entrypoints.push(options.quota, DECISION_ENTRYPOINT);
  }
  const compiled = compileModules(files);
  if (!compiled.ok) {
    const first = compiled.errors
      .slice(0, 5)
      .map((e) => `${e.location?.file ?? ''}:${e.location?.row ?? 0}:${e.location?.col ?? 0}: ${e.message}`);
    throw new SidecarError('ERR_SIDECAR_UP', `policies do not compile:\n${first.join('\n')}`);
  }
  const plan = planEntrypoints(compiled.compiled, entrypoints);
  const built = await (await wasmBackend()).compilePlan(plan);
  const revision = createHash('sha256').update(built.wasm).digest('hex').slice(0, 16);
  const manifest = {
    revision,
    roots: options.quota === undefined ? ['palisade/authz'] : ['palisade', 'palisade_sidecar'],
    wasm: entrypoints.map((entrypoint) => ({ entrypoint, module: '/policy.wasm' })),
  };
  await writeFileDurable(join(outDir, 'data.json'), '{}\n', { mode: FileMode.public });
  await writeFileDurable(join(outDir, '.manifest'), `${JSON.stringify(manifest, null, 2)}\n`, {
    mode: FileMode.public,
  });
  // The module last: sidecars watching the directory reload once it is complete.
  await writeFileDurable(join(outDir, 'policy.wasm'), built.wasm, { mode: FileMode.public });
  return {
    dir: outDir,
    revision,
    files: names,
    hostBuiltins: built.hostBuiltins,
    wasmBytes: built.wasm.length,
  };
}

/** The part of policy/wasm this file uses. */
interface WasmBackend {
  compilePlan(plan: unknown): Promise<{ wasm: Uint8Array; hostBuiltins: string[] }>;
}

/**
 * Load the Wasm backend (policy/wasm). TODO: a static import once policy/wasm is committed; until then a
 * checkout without it still builds, and `palisade up` says plainly what is missing.
 */
async function wasmBackend(): Promise<WasmBackend> {
  const specifier = `../../policy/wasm/index.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`;
  try {
    return (await import(specifier)) as WasmBackend;
  } catch (err) {
    throw new SidecarError(
      'ERR_SIDECAR_UP',
      `the Wasm backend (policy/wasm) is not available: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
