/**
 * @module The Rego compiler: runs the stage table over source files and returns a CompiledPolicy or
 * every diagnostic, sorted by position. Compile layer.
 */
import { type RegoError, sortErrors } from '../ast/index.js';
import type { CompileState } from './compile-state.js';
import { ruleTypes } from './stages/rule-types.js';
import { STAGES } from './stages.js';
import type { CompiledPolicy, CompileOptions, SourceFile } from './types.js';

export function compileModules(
  files: SourceFile[],
  opts: CompileOptions = {},
): { ok: true; compiled: CompiledPolicy } | { ok: false; errors: RegoError[] } {
  const state: CompileState = {
    files,
    options: opts,
    modules: [],
    root: undefined,
    errors: [],
    counter: { n: 0 },
    rewritten: new Map(),
  };
  for (const stage of STAGES) {
    try {
      stage.run(state);
    } catch (e) {
      // A compiler bug must become a diagnostic for the caller, never an exception.
      state.errors.push({
        code: 'rego_compile_error',
        message: `internal compiler error in stage ${stage.id}: ${(e as Error).message}`,
      });
    }
    if (state.errors.length > 0) return { ok: false, errors: sortErrors(state.errors) };
    if (opts.stopAfter === stage.id) break;
  }
  return {
    ok: true,
    compiled: {
      modules: state.modules,
      files: files.map((f) => f.path),
      root: state.root!,
      options: opts,
      // check_calls typed the rules before check_safety rebuilt the tree; reordering bodies changes no
      // value's type. A compile stopped before check_calls types them here.
      ruleTypes: state.ruleTypes ?? (state.root ? ruleTypes(state.root) : new Map()),
    },
  };
}
