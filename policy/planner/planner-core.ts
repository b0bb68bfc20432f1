/**
 * @module The planner's core: the Planner state (pools, emitter, bound vars, generation) and shared
 * types. Its methods live in one file per concern (exprs, with, unify, terms, calls, refs, rules),
 * attached to this class. The planner: lowers compiled Rego (rule tree, reordered bodies) to OPA's plan IR. Bodies are
 * planned in continuation-passing style as OPA's planner does: each expression emits its statements
 * and calls the continuation where the rest of the body must run (inside scans, with-blocks, …).
 * Rules become functions of (input, data[, args]) named `g<gen>.data.<path>`; `with` on virtual
 * documents or functions plans a new generation of the affected functions.
 */
import type { RefTerm, Term } from '../ast/index.js';
import type { CompiledPolicy } from '../compile/types.js';
import type { Local, Operand } from '../ir/ir.js';
import type { Emitter } from './emitter.js';
import { Pools } from './emitter.js';

export type K = () => void;

/** Builtins that are relations: one call yields many outputs (returned as an array). */
export const RELATIONS = new Set(['walk']);
export type KOp = (op: Operand) => void;

/** Mocks in force for one generation of functions (`with` on rules, functions, builtins). */
export interface Generation {
  readonly id: number;
  /** `data` paths (dotted, without `data.`) whose rules are replaced by the data document. */
  readonly dataMocks: ReadonlySet<string>;
  /** Function or builtin name (`data.test.f`, `count`) → replacement term. */
  readonly fnMocks: ReadonlyMap<string, Term>;
  /**
   * Mocks whose replacement value is a local of the caller (`with f as v`): every function of the
   * generation takes their values as extra trailing parameters, as OPA's planner does.
   */
  readonly params: readonly string[];
}

/** Planning failed on a construct the planner cannot lower (reported as rego_compile_error). */
export class PlanError extends Error {
  readonly loc: { file: string; row: number; col: number } | undefined;
  constructor(message: string, loc?: { file: string; row: number; col: number }) {
    super(message);
    this.loc = loc;
  }
}

export class Planner {
  readonly pools: Pools;
  readonly compiled: CompiledPolicy;
  /** Every generation planned so far; index = id. */
  readonly gens: Generation[] = [];
  e!: Emitter;
  vars = new Map<string, Local>();
  /** Values of iterating refs planned ahead of the call that uses them (see prebind). */
  pre = new Map<Term, Local>();
  /** Locals holding the values of caller-scoped mocks in the function being planned. */
  mockLocals = new Map<string, Local>();
  gen: Generation;

  constructor(compiled: CompiledPolicy, extraFiles: readonly string[] = []) {
    this.compiled = compiled;
    this.pools = new Pools([...compiled.files, ...extraFiles]);
    this.gen = { id: 0, dataMocks: new Set(), fnMocks: new Map(), params: [] };
    this.gens.push(this.gen);
  }

  // --- scopes ---

  scoped(fn: () => void): void {
    const saved = this.vars;
    this.vars = new Map(saved);
    try {
      fn();
    } finally {
      this.vars = saved;
    }
  }
}

export function sameScalar(a: Term, b: Term): boolean {
  return (
    (a.type === 'string' || a.type === 'number' || a.type === 'boolean') &&
    a.type === b.type &&
    a.value === b.value
  );
}

export function opRef(name: string, loc: Term['loc']): RefTerm {
  const parts = name.split('.');
  return {
    type: 'ref',
    loc,
    terms: [
      { type: 'var', name: parts[0]!, loc },
      ...parts.slice(1).map((p) => ({ type: 'string' as const, value: p, loc })),
    ],
  };
}
