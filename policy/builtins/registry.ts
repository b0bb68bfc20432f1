/**
 * @module The one builtin registry: OPA's declaration of each builtin joined with its implementation,
 * error prefixing and flags. Builtins layer; the front end reads `decl`, the evaluator and the Wasm host
 * call `impl`.
 */
import type { BuiltinDecl } from '../ir/ir.js';
import { type BuiltinDef, defFromTable } from './builtin-def.js';
import { DECLS } from './decls.js';
import { FAMILIES } from './families.js';

export type { BuiltinDef } from './builtin-def.js';

function buildRegistry(): ReadonlyMap<string, BuiltinDef> {
  const registry = new Map<string, BuiltinDef>();
  for (const [family, table] of Object.entries(FAMILIES)) {
    for (const name of Object.keys(table)) {
      if (registry.has(name))
        throw new Error(`builtin ${name} is implemented twice (${registry.get(name)?.family}, ${family})`);
      registry.set(name, defFromTable(name, family, table) as BuiltinDef);
    }
  }
  return registry;
}

const REGISTRY = buildRegistry();

/** The builtin named `name`, or undefined when Palisade does not know it. */
export function lookupBuiltin(name: string): BuiltinDef | undefined {
  return REGISTRY.get(name);
}

/** Every builtin, in name order. */
export function allBuiltins(): Iterable<BuiltinDef> {
  return [...REGISTRY.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * OPA's declaration of a builtin that has one, implemented or not (the compiler-rewritten
 * `rego.metadata.*` calls have a declaration but no runtime implementation).
 */
export function builtinDecl(name: string): BuiltinDecl | undefined {
  return REGISTRY.get(name)?.decl ?? DECLS[name];
}
