/**
 * @module Whether a module obeys Rego v1's rules: OPA's `regoV1Compatible`. Compiler layer. A module parsed as
 * Rego v1 does, and so does a Rego v0 module that imports `rego.v1`; importing only future keywords (`if`,
 * `contains`…) does not — those modules keep v0's freedoms, as in OPA.
 */
import type { Module } from '../ast/index.js';

/** OPA's `regoV1Compatible`: parsed as Rego v1, or Rego v0 with `import rego.v1`. */
export function regoV1Compatible(m: Module, v0Compatible: boolean): boolean {
  if (!v0Compatible) return true;
  return m.imports.some(
    (i) =>
      i.path.terms.length === 2 &&
      i.path.terms[0]?.type === 'var' &&
      i.path.terms[0].name === 'rego' &&
      i.path.terms[1]?.type === 'string' &&
      i.path.terms[1].value === 'v1',
  );
}
