/**
 * @module Import layout as opa fmt does it: blank-line-separated groups kept, each group sorted by path
 * (term by term) then alias. Formatter layer.
 */
import type { Import, Term } from '../ast/index.js';

/** Imports split where the source left a blank line (or more) between two of them. */
export function importGroups(imports: readonly Import[]): Import[][] {
  const groups: Import[][] = [];
  for (const [i, imp] of imports.entries()) {
    if (i === 0 || imp.loc.row - imports[i - 1]!.loc.row > 1) groups.push([imp]);
    else groups[groups.length - 1]!.push(imp);
  }
  return groups;
}

/** OPA's import order: path term by term (names, then strings), then alias. */
export function compareImports(a: Import, b: Import): number {
  const key = (t: Term): string => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '');
  const n = Math.min(a.path.terms.length, b.path.terms.length);
  for (let i = 0; i < n; i++) {
    const x = a.path.terms[i]!;
    const y = b.path.terms[i]!;
    if (x.type !== y.type) return x.type === 'var' ? -1 : 1;
    const c = key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0;
    if (c !== 0) return c;
  }
  if (a.path.terms.length !== b.path.terms.length) return a.path.terms.length - b.path.terms.length;
  return (a.alias ?? '') < (b.alias ?? '') ? -1 : (a.alias ?? '') > (b.alias ?? '') ? 1 : 0;
}
