/**
 * @module Builtin definitions loaded on demand: only the family files that implement the named builtins are
 * imported. Builtins layer; the Wasm host uses it (a module names its host builtins when it is loaded),
 * where the compiler and the IR evaluator use the full registry.
 */
import { type BuiltinDef, defFromTable } from './builtin-def.js';
import { FAMILY_LOADERS, FAMILY_OF } from './family-index.js';
import type { ImplTable } from './impl-types.js';

/**
 * The definitions of `names`, with the same behaviour as the full registry's; names Palisade does not
 * implement are left out (the caller reports them).
 */
export async function loadBuiltinDefs(names: readonly string[]): Promise<ReadonlyMap<string, BuiltinDef>> {
  const families = new Set<string>();
  for (const name of names) {
    const family = Object.hasOwn(FAMILY_OF, name) ? FAMILY_OF[name] : undefined;
    if (family !== undefined) families.add(family);
  }
  const tables = new Map<string, ImplTable>(
    await Promise.all(
      [...families].map(async (f) => [f, await (FAMILY_LOADERS[f] as () => Promise<ImplTable>)()] as const),
    ),
  );
  const defs = new Map<string, BuiltinDef>();
  for (const name of names) {
    const family = Object.hasOwn(FAMILY_OF, name) ? FAMILY_OF[name] : undefined;
    const table = family === undefined ? undefined : tables.get(family);
    const def = table && defFromTable(name, family as string, table);
    if (def) defs.set(name, def);
  }
  return defs;
}
