/**
 * @module `opa fmt --v0-v1`'s rewrite of a Rego v0 module's imports: `future.keywords` imports go (Rego
 * v1 has the keywords), and `import rego.v1` is added when missing, so the printed module reads the same
 * in OPA 0.x and 1.x. Formatter layer.
 */
import type { Import, Location, Module } from '../ast/index.js';

function isImportOf(imp: Import, head: string, second?: string): boolean {
  const [h, s] = imp.path.terms;
  return (
    h?.type === 'var' &&
    h.name === head &&
    (second === undefined || (s?.type === 'string' && s.value === second))
  );
}

/**
 * `m` with Rego v1 imports, marked for printing in v1 syntax. As opa fmt places it, an added `rego.v1`
 * import takes the row after the last `future.keywords`/`rego.v1` import (so it joins that group), or
 * row 1 when there is none (its own group, or the first import group when that starts on row 2).
 */
export function asRegoV1(m: Module): Module {
  const isV0Import = (i: Import) => isImportOf(i, 'future') || isImportOf(i, 'rego', 'v1');
  let imports = m.imports.filter((i) => !isImportOf(i, 'future'));
  if (!m.imports.some((i) => isImportOf(i, 'rego', 'v1'))) {
    const lastRow = Math.max(0, ...m.imports.filter(isV0Import).map((i) => i.loc.row));
    const loc: Location = { file: m.file, row: lastRow + 1, col: 1 };
    const regoV1: Import = {
      loc,
      path: {
        type: 'ref',
        loc,
        terms: [
          { type: 'var', name: 'rego', loc },
          { type: 'string', value: 'v1', loc },
        ],
      },
    };
    imports = [...imports, regoV1].sort((a, b) => a.loc.row - b.loc.row);
  }
  return { ...m, imports, regoV1: true };
}
