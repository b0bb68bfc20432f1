/**
 * @module Our front end for the conformance runner: compile a case's modules and plan its query through
 * policy/compile (`compileModules` → `planQuery`). Loaded lazily so the runner works (and reports the
 * front end as unavailable) while that package is still being built. Conformance layer.
 */
import type { Policy } from '../ir/ir.js';
import type { CaseResult } from './expect.js';
import type { ConformanceCase } from './suite.js';

interface RegoDiagnostic {
  code: string;
  message: string;
  location?: { file: string; row: number; col: number };
}

type CompileResult = { ok: true; compiled: unknown } | { ok: false; errors: RegoDiagnostic[] };
type PlanResult =
  | Policy
  | { ok: true; policy?: Policy; plan?: Policy }
  | { ok: false; errors: RegoDiagnostic[] };

interface FrontEnd {
  compileModules(files: { path: string; text: string }[], opts?: object): CompileResult;
  planQuery(compiled: unknown, query: string, opts?: object): PlanResult;
}

let loaded: Promise<FrontEnd | string> | undefined;

/** The front end, or the reason it cannot be used yet. */
export function loadFrontEnd(): Promise<FrontEnd | string> {
  loaded ??= (async () => {
    // A variable specifier keeps tsc from requiring the module while the front end is being built.
    const spec = '../compile/index.js';
    try {
      const mod = (await import(spec)) as Partial<FrontEnd>;
      if (typeof mod.compileModules !== 'function')
        return 'policy/compile does not export compileModules yet';
      if (typeof mod.planQuery !== 'function') return 'policy/compile does not export planQuery yet';
      return mod as FrontEnd;
    } catch (err) {
      return `policy/compile is not available: ${(err as Error).message.split('\n')[0]}`;
    }
  })();
  return loaded;
}

/** Compile and plan a case; an error result when compilation reports diagnostics. */
export async function frontEndPlan(c: ConformanceCase): Promise<{ policy: Policy } | { error: CaseResult }> {
  const fe = await loadFrontEnd();
  if (typeof fe === 'string') return { error: { kind: 'error', code: 'front_end_unavailable', message: fe } };
  // OPA's harness names the modules test-N.rego; expected error messages carry those names.
  const files = c.modules.map((text, i) => ({ path: `test-${i}.rego`, text }));
  const compiled = fe.compileModules(files, {});
  if (!compiled.ok) return { error: diagnostics(compiled.errors) };
  const planned = fe.planQuery(compiled.compiled, c.query);
  if ('ok' in planned) {
    if (!planned.ok) return { error: diagnostics(planned.errors) };
    const policy = planned.policy ?? planned.plan;
    if (!policy) return { error: { kind: 'error', code: 'crash', message: 'planQuery returned no policy' } };
    return { policy };
  }
  return { policy: planned };
}

function diagnostics(errors: RegoDiagnostic[]): CaseResult {
  const first = errors[0];
  const lines = errors.map((e) => {
    const where = e.location ? `${e.location.file}:${e.location.row}:${e.location.col}: ` : '';
    return `${where}${e.code}: ${e.message}`;
  });
  return { kind: 'error', code: first?.code ?? 'rego_compile_error', message: lines.join('; ') };
}
