/**
 * @module Compile stage driver for name resolution: computes each package's rule names, then runs the
 * VarRewriter over every rule of every module.
 */
import type { Module, RefTerm, RegoError } from '../../ast/index.js';
import type { CompileState } from '../compile-state.js';
import { regoV1Compatible } from '../rego-v1-compatible.js';
import { ROOTS, rootShadowing } from '../root-shadowing.js';
import { type Globals, moduleGlobals, refText, VarRewriter } from './resolve-refs.js';
import { packagePath } from './rule-tree.js';

/** OPA's strict-mode checks: unused imports, `:=` assignments never read, function arguments never read. */
function strictErrors(m: Module, globals: Globals, rw: VarRewriter): RegoError[] {
  const out: RegoError[] = [];
  for (const imp of m.imports) {
    const head = imp.path.terms[0];
    if (head?.type !== 'var' || (head.name !== 'data' && head.name !== 'input')) continue;
    const name = [...globals.imports].find(([, ref]) => ref === imp.path)?.[0];
    if (name !== undefined && !rw.usedImports.has(name))
      out.push({
        code: 'rego_compile_error',
        message: `import ${refText(imp.path)} unused`,
        location: imp.loc,
      });
  }
  for (const [fresh, a] of rw.assigned) {
    if ((rw.reads.get(fresh) ?? 0) === 0)
      out.push({ code: 'rego_compile_error', message: `assigned var ${a.name} unused`, location: a.loc });
  }
  // OPA's text; OPA positions it at the rule head, we at the argument itself, which is what to edit.
  for (const a of rw.unusedArgs) {
    // An argument named input or data already has rootShadowing's error (OPA stops before this check).
    if (ROOTS.has(a.name)) continue;
    out.push({
      code: 'rego_compile_error',
      message: `unused argument ${a.name}. (hint: use _ (wildcard variable) instead)`,
      location: { file: a.loc.file, row: a.loc.row, col: a.loc.col },
    });
  }
  return out;
}

export function resolveRefsStage(state: CompileState): void {
  const byPkg = new Map<string, Map<string, RefTerm>>();
  for (const m of state.modules) {
    const pkg = packagePath(m);
    const key = pkg.join('.');
    const names = byPkg.get(key) ?? new Map<string, RefTerm>();
    for (const r of m.rules) {
      const head = r.head.ref.terms[0];
      if (head?.type !== 'var' || names.has(head.name)) continue;
      const loc = head.loc;
      names.set(head.name, {
        type: 'ref',
        loc,
        terms: [
          { type: 'var', name: 'data', loc },
          ...[...pkg, head.name].map((p) => ({ type: 'string' as const, value: p, loc })),
        ],
      });
    }
    byPkg.set(key, names);
  }
  state.modules = state.modules.map((m): Module => {
    const globals = moduleGlobals(m, byPkg.get(packagePath(m).join('.'))!, state.errors);
    const rw = new VarRewriter(globals, state.counter);
    const rules = m.rules.map((r) => rw.rule(r));
    state.errors.push(...rw.errors);
    for (const [fresh, original] of rw.renamed) state.rewritten.set(fresh, original);
    if (state.options.strict) state.errors.push(...strictErrors(m, globals, rw));
    if (regoV1Compatible(m, state.options.v0Compatible ?? false) || state.options.strict)
      state.errors.push(...rootShadowing(m));
    return { ...m, rules };
  });
}
