/**
 * @module Planner methods for rules: one IR function per rule path (complete, multi-value, object, function kinds, else chains, defaults, nested ref-head inserts). Planner layer.
 */
import type { Rule } from '../ast/index.js';
import { isRootVar, termVars } from '../compile/term-walk.js';
import type { CompiledRule, RuleNode } from '../compile/types.js';
import type { Func, Local, Operand } from '../ir/ir.js';
import { DATA_LOCAL, INPUT_LOCAL } from '../ir/ir.js';
import { Emitter, localOp } from './emitter.js';
import { type Generation, type K, Planner } from './planner-core.js';

declare module './planner-core.js' {
  interface Planner {
    ruleFunc(node: RuleNode, path: readonly string[], gen: Generation): string;
    planRules(rules: readonly CompiledRule[], name: string, path: string[]): Func;
    planRule(cr: CompiledRule, argLocals: readonly Local[], result: Local): void;
    ruleBody(rule: Rule, argLocals: readonly Local[], k: K): void;
    walkNested(obj: Local, keys: readonly Operand[], fn: (target: Local, done: () => void) => void): void;
    insertNested(obj: Local, keys: readonly Operand[], v: Operand, intoSet?: boolean): void;
  }
}

Planner.prototype.ruleFunc = function (
  this: Planner,
  node: RuleNode,
  path: readonly string[],
  gen: Generation,
): string {
  const name = `g${gen.id}.data.${path.join('.')}`;
  if (this.pools.funcs.has(name)) return name;
  // Register first so recursive references (rejected by the compiler) cannot loop here.
  this.pools.funcs.set(name, { name, params: [], return: 0, blocks: [] });
  this.pools.funcOrder.push(name);
  const savedE = this.e;
  const savedVars = this.vars;
  const savedGen = this.gen;
  const savedMocks = this.mockLocals;
  const savedPre = this.pre;
  this.gen = gen;
  this.vars = new Map();
  this.pre = new Map();
  try {
    this.pools.funcs.set(name, this.planRules(node.rules, name, [`g${gen.id}`, ...path]));
  } finally {
    this.e = savedE;
    this.vars = savedVars;
    this.gen = savedGen;
    this.mockLocals = savedMocks;
    this.pre = savedPre;
  }
  return name;
};

Planner.prototype.planRules = function (
  this: Planner,
  rules: readonly CompiledRule[],
  name: string,
  path: string[],
): Func {
  const first = rules[0]!;
  const kind = first.kind;
  const e = new Emitter(this.pools);
  this.e = e;
  const nargs = kind === 'function' ? (first.rule.head.args?.length ?? 0) : 0;
  const params: Local[] = [INPUT_LOCAL, DATA_LOCAL];
  for (let i = 0; i < nargs; i++) params.push(e.local());
  this.mockLocals = new Map();
  for (const n of this.gen.params) {
    const l = e.local();
    params.push(l);
    this.mockLocals.set(n, l);
  }
  const result = e.local();
  e.loc = first.rule.loc;
  const blocks = [];
  if (kind === 'multi') e.emit('MakeSetStmt', { target: result });
  if (kind === 'object') e.emit('MakeObjectStmt', { target: result });
  if (kind === 'multi' || kind === 'object') blocks.push(e.take());
  // Deeper heads first (as OPA's planner): a shallower rule's value then lands on keys a deeper rule
  // already wrote, so ObjectInsertOnce reports the overlap (`p.q.r.s.u := 42` vs `p[q].r := {…}`)
  // instead of the deeper insert silently merging into the shallower rule's value.
  const ordered = kind === 'object' ? [...rules].sort((a, b) => headLength(b) - headLength(a)) : rules;
  for (const cr of ordered) {
    if (cr.rule.isDefault) continue;
    e.loc = cr.rule.loc;
    this.scoped(() => this.planRule(cr, params.slice(2, 2 + nargs), result));
    blocks.push(e.take());
  }
  const def = rules.find((r) => r.rule.isDefault);
  if (def) {
    e.loc = def.rule.loc;
    this.scoped(() => {
      this.e.emit('IsUndefinedStmt', { source: result });
      const bindArgs = (i: number, k: K): void => {
        const args = def.rule.head.args ?? [];
        if (i >= args.length) k();
        else this.unifyLocal(args[i]!, params[i + 2]!, () => bindArgs(i + 1, k));
      };
      bindArgs(0, () =>
        this.term(def.rule.head.value!, (v) =>
          this.e.emit('AssignVarOnceStmt', { source: v, target: result }),
        ),
      );
    });
    blocks.push(e.take());
  }
  e.emit('ReturnLocalStmt', { source: result });
  blocks.push(e.take());
  return { name, params, return: result, blocks, path };
};

// Depth from `data` (rules of one node may come from packages of different depths).
function headLength(cr: CompiledRule): number {
  return cr.path.length + cr.rest.length;
}

/** One definition (with its else chain) contributing to `result`. */
Planner.prototype.planRule = function (
  this: Planner,
  cr: CompiledRule,
  argLocals: readonly Local[],
  result: Local,
): void {
  const rule = cr.rule;
  if (cr.kind === 'multi') {
    this.ruleBody(rule, argLocals, () =>
      this.term(rule.head.key!, (v) => this.e.emit('SetAddStmt', { set: result, value: v })),
    );
    return;
  }
  if (cr.kind === 'object') {
    const leaf = rule.head.key ?? rule.head.value!;
    const intoSet = rule.head.key !== undefined;
    this.ruleBody(rule, argLocals, () =>
      this.terms(cr.rest, 0, [], (keys) =>
        this.term(leaf, (v) => this.insertNested(result, keys, v, intoSet)),
      ),
    );
    return;
  }
  if (!rule.elseRule) {
    this.ruleBody(rule, argLocals, () =>
      this.term(rule.head.value!, (v) => this.e.emit('AssignVarOnceStmt', { source: v, target: result })),
    );
    return;
  }
  // Else chain: the first definition that produces a value wins.
  const tmp = this.e.local();
  const blocks = [];
  let i = 0;
  for (let r: Rule | undefined = rule; r; r = r.elseRule, i++) {
    const cur = r;
    const idx = i;
    blocks.push(
      this.e.block(() =>
        this.scoped(() => {
          this.e.loc = cur.loc;
          if (idx === 0) this.e.emit('ResetLocalStmt', { target: tmp });
          else this.e.emit('IsUndefinedStmt', { source: tmp });
          this.ruleBody(cur, argLocals, () =>
            this.term(cur.head.value!, (v) => this.e.emit('AssignVarOnceStmt', { source: v, target: tmp })),
          );
        }),
      ),
    );
  }
  blocks.push(
    this.e.block(() => {
      this.e.emit('IsDefinedStmt', { source: tmp });
      this.e.emit('AssignVarOnceStmt', { source: localOp(tmp), target: result });
    }),
  );
  this.e.emit('BlockStmt', { blocks });
};

Planner.prototype.ruleBody = function (this: Planner, rule: Rule, argLocals: readonly Local[], k: K): void {
  const args = rule.head.args ?? [];
  // Arguments that bind by shape are unified first; others (templates, calls) may use vars the body
  // binds, so they are compared after the body.
  const deferred = args.map(
    (a) => !this.isPattern(a) && termVars(a).some((v) => !this.vars.has(v) && !isRootVar(v)),
  );
  const checkDeferred = (i: number): void => {
    if (i >= args.length) k();
    else if (deferred[i]) this.unifyLocal(args[i]!, argLocals[i]!, () => checkDeferred(i + 1));
    else checkDeferred(i + 1);
  };
  const bind = (i: number): void => {
    if (i >= args.length) this.body(rule.body, 0, () => checkDeferred(0));
    else if (deferred[i]) bind(i + 1);
    else this.unifyLocal(args[i]!, argLocals[i]!, () => bind(i + 1));
  };
  const blk = this.e.block(() => bind(0));
  this.e.emit('BlockStmt', { blocks: [blk] });
};

/** Find or create the object at `obj[k1]…[kn]`, run `fn` on it, then write the chain back. */
Planner.prototype.walkNested = function (
  this: Planner,
  obj: Local,
  keys: readonly Operand[],
  fn: (target: Local, done: () => void) => void,
): void {
  const chain: { parent: Local; key: Operand; child: Local }[] = [];
  let cur = obj;
  for (const key of keys) {
    const child = this.e.local();
    this.e.emit('ResetLocalStmt', { target: child });
    const parent = cur;
    const found = this.e.block(() => this.e.emit('DotStmt', { source: localOp(parent), key, target: child }));
    const create = this.e.block(() => {
      this.e.emit('IsUndefinedStmt', { source: child });
      this.e.emit('MakeObjectStmt', { target: child });
    });
    this.e.emit('BlockStmt', { blocks: [found, create] });
    chain.push({ parent, key, child });
    cur = child;
  }
  fn(cur, () => {
    for (const c of chain.reverse())
      this.e.emit('ObjectInsertStmt', { object: c.parent, key: c.key, value: localOp(c.child) });
  });
};

/** `obj[k1]…[kn] = v`, creating intermediate objects; the last insert detects conflicts. */
Planner.prototype.insertNested = function (
  this: Planner,
  obj: Local,
  keys: readonly Operand[],
  v: Operand,
  intoSet = false,
): void {
  if (intoSet) {
    // The leaf is a set: look it up or create it, add, and write it back along the path.
    const set = this.e.local();
    this.e.emit('ResetLocalStmt', { target: set });
    const last = keys[keys.length - 1]!;
    const parentKeys = keys.slice(0, -1);
    const withParent = (parent: Local, done: () => void): void => {
      const found = this.e.block(() =>
        this.e.emit('DotStmt', { source: localOp(parent), key: last, target: set }),
      );
      const create = this.e.block(() => {
        this.e.emit('IsUndefinedStmt', { source: set });
        this.e.emit('MakeSetStmt', { target: set });
      });
      this.e.emit('BlockStmt', { blocks: [found, create] });
      this.e.emit('SetAddStmt', { set, value: v });
      this.e.emit('ObjectInsertStmt', { object: parent, key: last, value: localOp(set) });
      done();
    };
    this.walkNested(obj, parentKeys, withParent);
    return;
  }
  if (keys.length === 1) {
    this.e.emit('ObjectInsertOnceStmt', { object: obj, key: keys[0]!, value: v });
    return;
  }
  const chain: { parent: Local; key: Operand; child: Local }[] = [];
  let cur = obj;
  for (const key of keys.slice(0, -1)) {
    const child = this.e.local();
    this.e.emit('ResetLocalStmt', { target: child });
    const found = this.e.block(() => this.e.emit('DotStmt', { source: localOp(cur), key, target: child }));
    const create = this.e.block(() => {
      this.e.emit('IsUndefinedStmt', { source: child });
      this.e.emit('MakeObjectStmt', { target: child });
    });
    this.e.emit('BlockStmt', { blocks: [found, create] });
    chain.push({ parent: cur, key, child });
    cur = child;
  }
  this.e.emit('ObjectInsertOnceStmt', { object: cur, key: keys[keys.length - 1]!, value: v });
  for (const c of chain.reverse())
    this.e.emit('ObjectInsertStmt', { object: c.parent, key: c.key, value: localOp(c.child) });
};
