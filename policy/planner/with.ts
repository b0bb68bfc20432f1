/**
 * @module Planner methods for `with`: WithStmt on input/data with undo before the continuation, and generations of functions for mocked rules, functions and builtins. Planner layer.
 */
import type { Expr, RefTerm, Term } from '../ast/index.js';
import { opName } from '../ast/index.js';
import { termVars } from '../compile/term-walk.js';
import type { RuleNode } from '../compile/types.js';
import { findNode } from '../compile/types.js';
import type { Local, Operand } from '../ir/ir.js';
import { DATA_LOCAL, INPUT_LOCAL } from '../ir/ir.js';
import { localOp } from './emitter.js';
import { type Generation, type K, PlanError, Planner } from './planner-core.js';

declare module './planner-core.js' {
  interface Planner {
    withs(e: Expr, i: number, k: K, undo?: { gen: Generation; saved: Map<Local, Local> }): void;
    restore(saved: readonly (readonly [Local, Local])[], j: number, k: K): void;
    exprNoWith(e: Expr, k: K): void;
    isFunctionPath(path: readonly string[]): boolean;
    overlapsRules(path: readonly string[]): boolean;
    genWithoutFnMocks(): Generation;
    withGen(mock: { data?: string; fn?: [string, Term] }, fn: () => void): void;
    extraArgs(gen: Generation): Operand[];
  }
}

/**
 * Plan `e`'s with-modifiers, the expression, then undo them before the continuation, as OPA's
 * planner does (planWithUndo): input/data are restored by a nested WithStmt with an empty path and
 * the saved value, and the continuation goes back to the generation in force before the modifiers.
 */
Planner.prototype.withs = function (
  this: Planner,
  e: Expr,
  i: number,
  k: K,
  undo: { gen: Generation; saved: Map<Local, Local> } = { gen: this.gen, saved: new Map() },
): void {
  if (i >= e.with.length) {
    this.exprNoWith(e, () => {
      const inner = this.gen;
      this.gen = undo.gen;
      try {
        this.restore([...undo.saved], 0, k);
      } finally {
        this.gen = inner;
      }
    });
    return;
  }
  const w = e.with[i]!;
  const target = w.target;
  const ref: RefTerm | undefined =
    target.type === 'ref'
      ? target
      : target.type === 'var'
        ? { type: 'ref', terms: [target], loc: target.loc }
        : undefined;
  if (!ref) throw new PlanError('with target must be a reference', w.loc);
  const head = ref.terms[0]!;
  const path = ref.terms.slice(1).map((t) => (t.type === 'string' ? t.value : undefined));
  if (path.some((p) => p === undefined)) throw new PlanError('with target path must be static', w.loc);
  const strs = path as string[];
  if (head.type === 'var' && (head.name === 'input' || head.name === 'data')) {
    const isFn = head.name === 'data' && this.isFunctionPath(strs);
    if (!isFn) {
      this.term(w.value, (v) => {
        const local = head.name === 'input' ? INPUT_LOCAL : DATA_LOCAL;
        if (!undo.saved.has(local)) {
          const copy = this.e.local();
          this.e.emit('AssignVarStmt', { source: localOp(local), target: copy });
          undo.saved.set(local, copy);
        }
        const overlaps = head.name === 'data' && this.overlapsRules(strs);
        const block = this.e.block(() => {
          if (overlaps) this.withGen({ data: strs.join('.') }, () => this.withs(e, i + 1, k, undo));
          else this.withs(e, i + 1, k, undo);
        });
        this.e.loc = w.loc;
        this.e.emit('WithStmt', { local, path: strs.map((s) => this.pools.str(s)), value: v, block });
      });
      return;
    }
  }
  // Function or builtin mock.
  const name = opName(ref);
  this.withGen({ fn: [name, w.value] }, () => this.withs(e, i + 1, k, undo));
};

/** Put input/data back to their saved values around the continuation. */
Planner.prototype.restore = function (
  this: Planner,
  saved: readonly (readonly [Local, Local])[],
  j: number,
  k: K,
): void {
  if (j >= saved.length) {
    k();
    return;
  }
  const [local, copy] = saved[j]!;
  const block = this.e.block(() => this.restore(saved, j + 1, k));
  this.e.emit('WithStmt', { local, path: [], value: localOp(copy), block });
};

Planner.prototype.exprNoWith = function (this: Planner, e: Expr, k: K): void {
  this.expr({ ...e, with: [] }, k);
};

Planner.prototype.isFunctionPath = function (this: Planner, path: readonly string[]): boolean {
  const node = findNode(this.compiled.root, path);
  return node?.rules.some((r) => r.kind === 'function') ?? false;
};

/** The path names rules, or lies above or below a rule. */
Planner.prototype.overlapsRules = function (this: Planner, path: readonly string[]): boolean {
  let node: RuleNode | undefined = this.compiled.root;
  for (const p of path) {
    if (node.rules.length > 0) return true;
    node = node.children.get(p);
    if (!node) return false;
  }
  return true;
};

/** The generation a replacement function runs in: the current data mocks, no function mocks. */
Planner.prototype.genWithoutFnMocks = function (this: Planner): Generation {
  // Mocks do not chain: a replacement function sees no function mocks at all (only data mocks).
  const fnMocks = new Map<string, Term>();
  const same = this.gens.find(
    (g) =>
      g.params.length === 0 &&
      g.fnMocks.size === fnMocks.size &&
      [...fnMocks].every(([n, t]) => g.fnMocks.get(n) === t) &&
      g.dataMocks.size === this.gen.dataMocks.size &&
      [...this.gen.dataMocks].every((d) => g.dataMocks.has(d)),
  );
  if (same) return same;
  const gen: Generation = { id: this.gens.length, dataMocks: this.gen.dataMocks, fnMocks, params: [] };
  this.gens.push(gen);
  return gen;
};

Planner.prototype.withGen = function (
  this: Planner,
  mock: { data?: string; fn?: [string, Term] },
  fn: () => void,
): void {
  const dataMocks = new Set(this.gen.dataMocks);
  const fnMocks = new Map(this.gen.fnMocks);
  let params = this.gen.params;
  if (mock.data !== undefined) dataMocks.add(mock.data);
  const savedLocals = this.mockLocals;
  if (mock.fn) {
    const [name, value] = mock.fn;
    fnMocks.set(name, value);
    if (termVars(value).some((v) => this.vars.has(v))) {
      // The replacement is a value of the caller's scope: plan it here and pass it down.
      let local: Local | undefined;
      this.term(value, (op) => {
        local = this.e.toLocal(op);
      });
      this.mockLocals = new Map(savedLocals).set(name, local!);
      if (!params.includes(name)) params = [...params, name];
    } else if (params.includes(name)) params = params.filter((p) => p !== name);
  }
  const gen: Generation = { id: this.gens.length, dataMocks, fnMocks, params };
  this.gens.push(gen);
  const saved = this.gen;
  this.gen = gen;
  try {
    fn();
  } finally {
    this.gen = saved;
    this.mockLocals = savedLocals;
  }
};

/** Arguments every call of a rule function in `gen` passes: input, data, then the mock values. */
Planner.prototype.extraArgs = function (this: Planner, gen: Generation): Operand[] {
  return gen.params.map((n) => {
    const l = this.mockLocals.get(n);
    if (l === undefined) throw new PlanError(`internal: no value for the mock of ${n}`);
    return localOp(l);
  });
};

// --- unification ---;
