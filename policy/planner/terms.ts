/**
 * @module Planner methods for terms: scalars, composites, comprehensions and template strings. Planner layer.
 */
import type { Term } from '../ast/index.js';
import type { Local, Operand } from '../ir/ir.js';
import { INPUT_LOCAL } from '../ir/ir.js';
import { localOp } from './emitter.js';
import { type KOp, opRef, PlanError, Planner } from './planner-core.js';

declare module './planner-core.js' {
  interface Planner {
    term(t: Term, k: KOp): void;
    terms(ts: readonly Term[], i: number, acc: Operand[], k: (ops: Operand[]) => void): void;
    number(lit: string): Local;
    comprehension(t: Extract<Term, { type: 'arraycomp' | 'setcomp' | 'objectcomp' }>, k: KOp): void;
    template(t: Extract<Term, { type: 'template' }>, k: KOp): void;
  }
}

Planner.prototype.term = function (this: Planner, t: Term, k: KOp): void {
  const pre = this.pre.get(t);
  if (pre !== undefined) {
    k(localOp(pre));
    return;
  }
  switch (t.type) {
    case 'null': {
      const l = this.e.local();
      this.e.emit('MakeNullStmt', { target: l });
      k(localOp(l));
      return;
    }
    case 'boolean':
      k({ type: 'bool', value: t.value });
      return;
    case 'number':
      k(localOp(this.number(t.value)));
      return;
    case 'string':
      k({ type: 'string_index', value: this.pools.str(t.value) });
      return;
    case 'var': {
      if (t.name === 'input') {
        // Reading the whole input: undefined when no input was given.
        this.e.emit('IsDefinedStmt', { source: INPUT_LOCAL });
        k(localOp(INPUT_LOCAL));
        return;
      }
      if (t.name === 'data') {
        this.dataRef([], t, (l) => k(localOp(l)));
        return;
      }
      const l = this.vars.get(t.name);
      if (l === undefined) throw new PlanError(`var ${t.name} is unsafe`, t.loc);
      k(localOp(l));
      return;
    }
    case 'ref':
      this.ref(t, (l) => k(localOp(l)));
      return;
    case 'array':
      this.terms(t.items, 0, [], (ops) => {
        const arr = this.e.local();
        this.e.emit('MakeArrayStmt', { capacity: ops.length, target: arr });
        for (const o of ops) this.e.emit('ArrayAppendStmt', { array: arr, value: o });
        k(localOp(arr));
      });
      return;
    case 'set':
      this.terms(t.items, 0, [], (ops) => {
        const set = this.e.local();
        this.e.emit('MakeSetStmt', { target: set });
        for (const o of ops) this.e.emit('SetAddStmt', { set, value: o });
        k(localOp(set));
      });
      return;
    case 'object':
      this.terms(t.entries.flat(), 0, [], (ops) => {
        const obj = this.e.local();
        this.e.emit('MakeObjectStmt', { target: obj });
        for (let i = 0; i < ops.length; i += 2)
          this.e.emit('ObjectInsertStmt', { object: obj, key: ops[i]!, value: ops[i + 1]! });
        k(localOp(obj));
      });
      return;
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      this.comprehension(t, k);
      return;
    case 'call':
      this.call(t.op, t.args, t, k);
      return;
    case 'template':
      this.template(t, k);
      return;
  }
};

Planner.prototype.terms = function (
  this: Planner,
  ts: readonly Term[],
  i: number,
  acc: Operand[],
  k: (ops: Operand[]) => void,
): void {
  if (i >= ts.length) {
    k(acc);
    return;
  }
  this.term(ts[i]!, (op) => this.terms(ts, i + 1, [...acc, op], k));
};

Planner.prototype.number = function (this: Planner, lit: string): Local {
  const l = this.e.local();
  if (/^-?\d+$/.test(lit) && Number.isSafeInteger(Number(lit)))
    this.e.emit('MakeNumberIntStmt', { value: Number(lit), target: l });
  else this.e.emit('MakeNumberRefStmt', { Index: this.pools.str(lit), target: l });
  return l;
};

Planner.prototype.comprehension = function (
  this: Planner,
  t: Extract<Term, { type: 'arraycomp' | 'setcomp' | 'objectcomp' }>,
  k: KOp,
): void {
  const target = this.e.local();
  if (t.type === 'arraycomp') this.e.emit('MakeArrayStmt', { capacity: 0, target });
  else if (t.type === 'setcomp') this.e.emit('MakeSetStmt', { target });
  else this.e.emit('MakeObjectStmt', { target });
  const blk = this.e.block(() =>
    this.scoped(() =>
      this.body(t.body, 0, () => {
        if (t.type === 'arraycomp')
          this.term(t.term, (v) => this.e.emit('ArrayAppendStmt', { array: target, value: v }));
        else if (t.type === 'setcomp')
          this.term(t.term, (v) => this.e.emit('SetAddStmt', { set: target, value: v }));
        else
          this.term(t.key, (kk) =>
            this.term(t.value, (v) =>
              this.e.emit('ObjectInsertOnceStmt', { object: target, key: kk, value: v }),
            ),
          );
      }),
    ),
  );
  this.e.emit('BlockStmt', { blocks: [blk] });
  k(localOp(target));
};

Planner.prototype.template = function (this: Planner, t: Extract<Term, { type: 'template' }>, k: KOp): void {
  const parts: Operand[] = [];
  const step = (i: number): void => {
    if (i >= t.parts.length) {
      const arr = this.e.local();
      this.e.emit('MakeArrayStmt', { capacity: parts.length, target: arr });
      for (const p of parts) this.e.emit('ArrayAppendStmt', { array: arr, value: p });
      const res = this.e.local();
      this.builtin('internal.template_string');
      this.e.emit('CallStmt', { func: 'internal.template_string', args: [localOp(arr)], result: res });
      k(localOp(res));
      return;
    }
    const p = t.parts[i]!;
    if (typeof p === 'string') {
      parts.push({ type: 'string_index', value: this.pools.str(p) });
      step(i + 1);
      return;
    }
    if (p.type === 'string' || p.type === 'number' || p.type === 'boolean' || p.type === 'null') {
      this.term(p, (op) => {
        parts.push(op);
        step(i + 1);
      });
      return;
    }
    if (p.type === 'setcomp' && p.template) {
      this.comprehension(p, (op) => {
        parts.push(op);
        step(i + 1);
      });
      return;
    }
    // An expression that may be undefined is collected into a set, so the builtin can print `<undefined>`.
    const v = `$tpl${i}`;
    this.comprehension(
      {
        type: 'setcomp',
        term: { type: 'var', name: v, loc: p.loc },
        body: [
          {
            kind: {
              type: 'term',
              term: {
                type: 'call',
                op: opRef('eq', p.loc),
                args: [{ type: 'var', name: v, loc: p.loc }, p],
                loc: p.loc,
              },
            },
            negated: false,
            with: [],
            loc: p.loc,
          },
        ],
        loc: p.loc,
      },
      (op) => {
        parts.push(op);
        step(i + 1);
      },
    );
  };
  step(0);
};

// --- calls ---;
