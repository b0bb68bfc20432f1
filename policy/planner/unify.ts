/**
 * @module Planner methods for unification: bind variables by shape (arrays, objects) or compare values. Planner layer.
 */
import type { Term } from '../ast/index.js';
import { sameKey } from '../compile/stages/safety.js';
import { isRootVar } from '../compile/term-walk.js';
import type { Local } from '../ir/ir.js';
import { localOp } from './emitter.js';
import { type K, Planner, sameScalar } from './planner-core.js';

declare module './planner-core.js' {
  interface Planner {
    isUnbound(t: Term): boolean;
    isPattern(t: Term): boolean;
    unify(a: Term, b: Term, k: K): void;
    unifyLocal(t: Term, local: Local, k: K): void;
  }
}

Planner.prototype.isUnbound = function (this: Planner, t: Term): boolean {
  return t.type === 'var' && !this.vars.has(t.name) && !isRootVar(t.name);
};

/** A term that binds variables by its shape (an unbound var, or an array/object containing one). */
Planner.prototype.isPattern = function (this: Planner, t: Term): boolean {
  if (this.isUnbound(t)) return true;
  if (t.type === 'array') return t.items.some((i) => this.isPattern(i));
  if (t.type === 'object') return t.entries.some(([, v]) => this.isPattern(v));
  return false;
};

Planner.prototype.unify = function (this: Planner, a: Term, b: Term, k: K): void {
  if (
    a.type === 'object' &&
    b.type === 'object' &&
    a.entries.length === b.entries.length &&
    (this.isPattern(a) || this.isPattern(b))
  ) {
    const pairs = a.entries.map(([ka, va]) => [va, b.entries.find(([kb]) => sameKey(ka, kb))?.[1]] as const);
    if (pairs.every(([, v]) => v !== undefined)) {
      const step = (i: number): void => {
        if (i >= pairs.length) k();
        else this.unify(pairs[i]![0], pairs[i]![1]!, () => step(i + 1));
      };
      step(0);
      return;
    }
  }
  if (a.type === 'array' && b.type === 'array') {
    if (a.items.length !== b.items.length) return;
    const step = (i: number): void => {
      if (i >= a.items.length) k();
      else this.unify(a.items[i]!, b.items[i]!, () => step(i + 1));
    };
    step(0);
    return;
  }
  if (this.isPattern(a) && !this.isPattern(b)) {
    this.term(b, (op) => this.unifyLocal(a, this.e.toLocal(op), k));
    return;
  }
  if (this.isPattern(b)) {
    if (this.isPattern(a) && a.type === 'object' && b.type === 'object') {
      // Both sides have unbound vars: match entries by key.
      const pairs = a.entries.map(
        ([ka, va]) => [va, b.entries.find(([kb]) => sameScalar(ka, kb))?.[1]] as const,
      );
      if (pairs.some(([, v]) => v === undefined) || a.entries.length !== b.entries.length) return;
      const step = (i: number): void => {
        if (i >= pairs.length) k();
        else this.unify(pairs[i]![0], pairs[i]![1]!, () => step(i + 1));
      };
      step(0);
      return;
    }
    this.term(a, (op) => this.unifyLocal(b, this.e.toLocal(op), k));
    return;
  }
  this.term(a, (oa) =>
    this.term(b, (ob) => {
      this.e.emit('EqualStmt', { a: oa, b: ob });
      k();
    }),
  );
};

/** Unify a term with a value held in a local. */
Planner.prototype.unifyLocal = function (this: Planner, t: Term, local: Local, k: K): void {
  if (t.type === 'var' && !isRootVar(t.name)) {
    const bound = this.vars.get(t.name);
    if (bound === undefined) {
      const v = this.e.local();
      this.e.emit('AssignVarStmt', { source: localOp(local), target: v });
      this.vars.set(t.name, v);
      k();
      return;
    }
    this.e.emit('EqualStmt', { a: localOp(bound), b: localOp(local) });
    k();
    return;
  }
  if (t.type === 'array' && this.isPattern(t)) {
    this.e.emit('IsArrayStmt', { source: localOp(local) });
    const len = this.e.local();
    this.e.emit('LenStmt', { source: localOp(local), target: len });
    const n = this.e.local();
    this.e.emit('MakeNumberIntStmt', { value: t.items.length, target: n });
    this.e.emit('EqualStmt', { a: localOp(len), b: localOp(n) });
    const step = (i: number): void => {
      if (i >= t.items.length) {
        k();
        return;
      }
      const idx = this.e.local();
      this.e.emit('MakeNumberIntStmt', { value: i, target: idx });
      const el = this.e.local();
      this.e.emit('DotStmt', { source: localOp(local), key: localOp(idx), target: el });
      this.unifyLocal(t.items[i]!, el, () => step(i + 1));
    };
    step(0);
    return;
  }
  if (t.type === 'object' && this.isPattern(t)) {
    this.e.emit('IsObjectStmt', { source: localOp(local) });
    const len = this.e.local();
    this.e.emit('LenStmt', { source: localOp(local), target: len });
    const n = this.e.local();
    this.e.emit('MakeNumberIntStmt', { value: t.entries.length, target: n });
    this.e.emit('EqualStmt', { a: localOp(len), b: localOp(n) });
    const step = (i: number): void => {
      if (i >= t.entries.length) {
        k();
        return;
      }
      const [key, val] = t.entries[i]!;
      this.term(key, (ko) => {
        const el = this.e.local();
        this.e.emit('DotStmt', { source: localOp(local), key: ko, target: el });
        this.unifyLocal(val, el, () => step(i + 1));
      });
    };
    step(0);
    return;
  }
  this.term(t, (op) => {
    this.e.emit('EqualStmt', { a: op, b: localOp(local) });
    k();
  });
};

// --- terms ---;
