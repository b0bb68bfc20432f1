/**
 * @module Planner methods for bodies and expressions: literals, negation (flag pattern), `some … in`, `every`, calls used as expressions. Planner layer.
 */
import type { Body, Expr, RefTerm, Term } from '../ast/index.js';
import { opName } from '../ast/index.js';
import { builtinInfo } from '../compile/builtin-info.js';
import { isRootVar, termVars } from '../compile/term-walk.js';
import { findNode } from '../compile/types.js';
import { localOp } from './emitter.js';
import { type K, Planner, RELATIONS } from './planner-core.js';

declare module './planner-core.js' {
  interface Planner {
    body(body: Body, i: number, k: K): void;
    expr(e: Expr, k: K): void;
    exprInner(e: Expr, k: K): void;
    every(key: Term | undefined, value: Term, domain: Term, body: Body, k: K): void;
    iteratingRefs(terms: readonly Term[]): RefTerm[];
    prebind(terms: readonly Term[], k: K): void;
    termExpr(t: Term, k: K): void;
    termExprInner(t: Term, k: K): void;
    arity(op: RefTerm): number | undefined;
  }
}

Planner.prototype.body = function (this: Planner, body: Body, i: number, k: K): void {
  if (i >= body.length) {
    k();
    return;
  }
  this.expr(body[i]!, () => this.body(body, i + 1, k));
};

Planner.prototype.expr = function (this: Planner, e: Expr, k: K): void {
  this.e.loc = e.loc;
  if (e.with.length > 0) {
    this.withs(e, 0, k);
    return;
  }
  if (e.negated) {
    // Flag pattern (as OPA plans `every`): the flag is set if the expression succeeds on any path.
    const flag = this.e.local();
    this.e.emit('ResetLocalStmt', { target: flag });
    const blk = this.e.block(() =>
      this.scoped(() =>
        this.exprInner(e, () =>
          this.e.emit('AssignVarStmt', { source: { type: 'bool', value: true }, target: flag }),
        ),
      ),
    );
    this.e.emit('BlockStmt', { blocks: [blk] });
    this.e.loc = e.loc;
    this.e.emit('IsUndefinedStmt', { source: flag });
    k();
    return;
  }
  this.exprInner(e, k);
};

Planner.prototype.exprInner = function (this: Planner, e: Expr, k: K): void {
  const kind = e.kind;
  switch (kind.type) {
    case 'some':
      k();
      return;
    case 'somein':
      this.term(kind.collection, (c) => {
        const src = this.e.toLocal(c);
        const key = this.e.local();
        const val = this.e.local();
        const block = this.e.block(() => {
          const bindValue = () => this.unifyLocal(kind.value, val, k);
          if (kind.key) this.unifyLocal(kind.key, key, bindValue);
          else bindValue();
        });
        this.e.emit('ScanStmt', { source: src, key, value: val, block });
      });
      return;
    case 'every':
      this.every(kind.key, kind.value, kind.domain, kind.body, k);
      return;
    case 'term':
      // The compiler's placeholder body `true` needs no statement.
      if (e.generated && kind.term.type === 'boolean' && kind.term.value) {
        k();
        return;
      }
      this.termExpr(kind.term, k);
      return;
  }
};

Planner.prototype.every = function (
  this: Planner,
  key: Term | undefined,
  value: Term,
  domain: Term,
  body: Body,
  k: K,
): void {
  this.term(domain, (d) => {
    const src = this.e.toLocal(d);
    // Not a collection: `every` is undefined.
    const isColl = (t: 'IsArrayStmt' | 'IsObjectStmt' | 'IsSetStmt') =>
      this.e.block(() => {
        this.e.emit(t, { source: localOp(src) });
        this.e.emit('BreakStmt', { index: 1 });
      });
    const check = this.e.block(() => {
      this.e.emit('BlockStmt', {
        blocks: [isColl('IsArrayStmt'), isColl('IsObjectStmt'), isColl('IsSetStmt')],
      });
      this.e.emit('BreakStmt', { index: 1 });
    });
    this.e.emit('BlockStmt', { blocks: [check] });
    const failed = this.e.local();
    this.e.emit('ResetLocalStmt', { target: failed });
    const kl = this.e.local();
    const vl = this.e.local();
    const scan = this.e.block(() =>
      this.scoped(() => {
        const inner = () => {
          const ok = this.e.local();
          this.e.emit('ResetLocalStmt', { target: ok });
          const blk = this.e.block(() =>
            this.scoped(() =>
              this.body(body, 0, () =>
                this.e.emit('AssignVarStmt', { source: { type: 'bool', value: true }, target: ok }),
              ),
            ),
          );
          this.e.emit('BlockStmt', { blocks: [blk] });
          this.e.emit('IsUndefinedStmt', { source: ok });
          this.e.emit('AssignVarStmt', { source: { type: 'bool', value: true }, target: failed });
        };
        const bindValue = () => this.unifyLocal(value, vl, inner);
        if (key) this.unifyLocal(key, kl, bindValue);
        else bindValue();
      }),
    );
    this.e.emit('ScanStmt', { source: src, key: kl, value: vl, block: scan });
    this.e.emit('IsUndefinedStmt', { source: failed });
    k();
  });
};

/** Refs inside `terms` that iterate (unbound vars in their path), outermost first. */
Planner.prototype.iteratingRefs = function (this: Planner, terms: readonly Term[]): RefTerm[] {
  const out: RefTerm[] = [];
  const visit = (t: Term): void => {
    if (t.type === 'ref') {
      if (t.terms.slice(1).some((p) => termVars(p).some((v) => !this.vars.has(v) && !isRootVar(v)))) {
        out.push(t);
        return;
      }
      for (const p of t.terms) visit(p);
    } else if (t.type === 'call') t.args.forEach(visit);
    else if (t.type === 'array' || t.type === 'set') t.items.forEach(visit);
    else if (t.type === 'object') for (const kv of t.entries) kv.forEach(visit);
  };
  terms.forEach(visit);
  return out;
};

/** Plan iterating refs first, so the variables they bind are bound before any argument uses them. */
Planner.prototype.prebind = function (this: Planner, terms: readonly Term[], k: K): void {
  const refs = this.iteratingRefs(terms);
  const step = (i: number): void => {
    if (i >= refs.length) {
      k();
      return;
    }
    const r = refs[i]!;
    this.ref(r, (l) => {
      this.pre.set(r, l);
      step(i + 1);
      this.pre.delete(r);
    });
  };
  step(0);
};

Planner.prototype.termExpr = function (this: Planner, t: Term, k: K): void {
  if (t.type === 'call' && opName(t.op) !== 'eq') {
    const arity = this.arity(t.op);
    const inputs = arity !== undefined && t.args.length === arity + 1 ? t.args.slice(0, arity) : t.args;
    if (this.iteratingRefs(inputs).length > 0) {
      this.prebind(inputs, () => this.termExprInner(t, k));
      return;
    }
  }
  this.termExprInner(t, k);
};

Planner.prototype.termExprInner = function (this: Planner, t: Term, k: K): void {
  if (t.type === 'call') {
    const name = opName(t.op);
    if (name === 'eq' && t.args.length === 2) {
      // `[p, v] := walk(x)`: a relation on one side is its output form `walk(x, [p, v])`.
      const [a, b] = t.args as [Term, Term];
      for (const [rel, other] of [
        [b, a],
        [a, b],
      ] as const) {
        if (rel.type === 'call' && RELATIONS.has(opName(rel.op)) && rel.args.length === this.arity(rel.op)) {
          this.termExprInner({ ...rel, args: [...rel.args, other] }, k);
          return;
        }
      }
      this.unify(a, b, k);
      return;
    }
    const arity = this.arity(t.op);
    if (arity !== undefined && t.args.length === arity + 1) {
      const out = t.args[arity]!;
      if (RELATIONS.has(opName(t.op)) && !this.gen.fnMocks.has(opName(t.op))) {
        // A relation returns every output at once (OPA's planner scans the array).
        this.call(t.op, t.args.slice(0, arity), t, (res) => {
          const key = this.e.local();
          const val = this.e.local();
          const block = this.e.block(() => this.unifyLocal(out, val, k));
          this.e.emit('ScanStmt', { source: this.e.toLocal(res), key, value: val, block });
        });
        return;
      }
      this.call(t.op, t.args.slice(0, arity), t, (res) => this.unifyLocal(out, this.e.toLocal(res), k));
      return;
    }
    this.call(t.op, t.args, t, (res) => {
      if (res.type === 'local' && res.value < 0) {
        k();
        return;
      }
      this.e.emit('NotEqualStmt', { a: res, b: { type: 'bool', value: false } });
      k();
    });
    return;
  }
  this.term(t, (op) => {
    this.e.emit('NotEqualStmt', { a: op, b: { type: 'bool', value: false } });
    k();
  });
};

Planner.prototype.arity = function (this: Planner, op: RefTerm): number | undefined {
  const name = opName(op);
  if (op.terms[0]?.type === 'var' && op.terms[0].name === 'data') {
    const node = findNode(this.compiled.root, name.split('.').slice(1));
    const fn = node?.rules.find((r) => r.kind === 'function');
    return fn?.rule.head.args?.length;
  }
  return builtinInfo(name)?.arity;
};

// --- with ---;
