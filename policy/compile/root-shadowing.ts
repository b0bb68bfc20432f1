/**
 * @module OPA's root-document checks on rule heads: no rule and no function argument named `input` or `data`.
 * Shared by the compiler (Rego v1 modules, strict mode) and `fmt --v0-v1` (which refuses to convert a v0
 * module that v1 would reject). Compiler layer.
 */
import type { Module, RegoError } from '../ast/index.js';

/** The root documents a rule, argument or variable must not be named after. */
export const ROOTS: ReadonlySet<string> = new Set(['input', 'data']);

/** OPA's root-document checks (Rego v1, or strict mode): no rule or function argument named input or data. */
export function rootShadowing(m: Module): RegoError[] {
  const out: RegoError[] = [];
  for (const r of m.rules) {
    const head = r.head.ref.terms[0];
    if (head?.type === 'var' && ROOTS.has(head.name)) {
      out.push({
        code: 'rego_compile_error',
        message: `rules must not shadow ${head.name} (use a different rule name)`,
        location: { file: r.loc.file, row: r.loc.row, col: r.loc.col },
      });
    }
    for (const a of r.head.args ?? []) {
      if (a.type === 'var' && ROOTS.has(a.name)) {
        out.push({
          code: 'rego_compile_error',
          message: `args must not shadow ${a.name} (use a different variable name)`,
          location: { file: a.loc.file, row: a.loc.row, col: a.loc.col },
        });
      }
    }
  }
  return out;
}
