/**
 * @module Planner methods for calls: user functions (g<gen>.data.…), builtins (static.builtin_funcs), and mocked functions. Planner layer.
 */
import type { RefTerm, Term } from '../ast/index.js';
import { opName } from '../ast/index.js';
import { builtinInfo } from '../compile/builtin-info.js';
import { findNode } from '../compile/types.js';
import { DATA_LOCAL, INPUT_LOCAL } from '../ir/ir.js';
import { localOp } from './emitter.js';
import { type Generation, type KOp, opRef, PlanError, Planner } from './planner-core.js';

declare module './planner-core.js' {
  interface Planner {
    builtin(name: string): void;
    call(op: RefTerm, args: readonly Term[], at: Term, k: KOp): void;
    callUnmocked(op: RefTerm, args: readonly Term[], at: Term, k: KOp, gen: Generation): void;
  }
}

Planner.prototype.builtin = function (this: Planner, name: string): void {
  if (this.pools.builtins.has(name)) return;
  const info = builtinInfo(name);
  this.pools.builtins.set(name, { name, decl: info?.decl ?? { type: 'function' } });
};

Planner.prototype.call = function (
  this: Planner,
  op: RefTerm,
  args: readonly Term[],
  at: Term,
  k: KOp,
): void {
  const name = opName(op);
  const mock = this.gen.fnMocks.get(name);
  if (mock) {
    const mockRef =
      mock.type === 'ref'
        ? mock
        : mock.type === 'var' && !this.vars.has(mock.name)
          ? opRef(mock.name, mock.loc)
          : undefined;
    const mockName = mockRef ? opName(mockRef) : undefined;
    if (
      mockRef &&
      mockName !== undefined &&
      (this.isFunctionPath(mockName.split('.').slice(1)) ||
        (!mockName.startsWith('data.') && builtinInfo(mockName)))
    ) {
      // A replacement function runs without this mock (OPA: mocks do not chain), so it may call the original.
      // Arguments and the continuation stay in the current generation; only the callee changes.
      this.callUnmocked(mockRef, args, at, k, this.genWithoutFnMocks());
      return;
    }
    const local = this.gen.params.includes(name) ? this.mockLocals.get(name) : undefined;
    if (local !== undefined) this.terms(args, 0, [], () => k(localOp(local)));
    else this.terms(args, 0, [], () => this.term(mock, k));
    return;
  }
  this.callUnmocked(op, args, at, k, this.gen);
};

Planner.prototype.callUnmocked = function (
  this: Planner,
  op: RefTerm,
  args: readonly Term[],
  at: Term,
  k: KOp,
  gen: Generation,
): void {
  const name = opName(op);
  this.terms(args, 0, [], (ops) => {
    this.e.loc = at.loc;
    const res = this.e.local();
    if (op.terms[0]?.type === 'var' && op.terms[0].name === 'data') {
      const path = name.split('.').slice(1);
      const node = findNode(this.compiled.root, path);
      if (!node?.rules.some((r) => r.kind === 'function'))
        throw new PlanError(`undefined function ${name}`, at.loc);
      const fname = this.ruleFunc(node, path, gen);
      this.e.emit('CallStmt', {
        func: fname,
        args: [localOp(INPUT_LOCAL), localOp(DATA_LOCAL), ...ops, ...this.extraArgs(gen)],
        result: res,
      });
      k(localOp(res));
      return;
    }
    const info = builtinInfo(name);
    if (!info) throw new PlanError(`undefined function ${name}`, at.loc);
    this.builtin(name);
    this.e.emit('CallStmt', { func: name, args: ops, result: res });
    if (!info.hasResult) {
      k(localOp(-1));
      return;
    }
    k(localOp(res));
  });
};

// --- refs ---;
