/**
 * @module Compile stage: parse every source file into a module (Rego v1, or v0 when asked).
 */
import { parseModule } from '../../ast/index.js';
import type { CompileState } from '../compile-state.js';

export function parseStage(state: CompileState): void {
  for (const f of state.files) {
    const r = parseModule(f.path, f.text, { v0Compatible: state.options.v0Compatible ?? false });
    if (r.module) state.modules.push(r.module);
    state.errors.push(...r.errors);
  }
}
