/**
 * @module Planner methods for references: Dot/Scan chains, `data` refs over the rule tree (calls for rules, base document lookups, merged virtual documents). Planner layer.
 */
import type { RefTerm, Term } from '../ast/index.js';
import type { RuleNode } from '../compile/types.js';
import type { Local } from '../ir/ir.js';
import { DATA_LOCAL, INPUT_LOCAL } from '../ir/ir.js';
import { localOp } from './emitter.js';
import { PlanError, Planner } from './planner-core.js';

declare module './planner-core.js' {
  interface Planner {
    ref(t: RefTerm, k: (l: Local) => void): void;
    refRest(source: Local, terms: readonly Term[], i: number, k: (l: Local) => void, base?: boolean): void;
    dataRef(terms: readonly Term[], at: Term, k: (l: Local) => void): void;
    baseRef(path: readonly string[], k: (l: Local) => void): void;
    document(node: RuleNode, path: readonly string[]): Local;
    dataRefAlternatives(
      node: RuleNode,
      path: readonly string[],
      key: Term,
      child: (c: RuleNode, key: string) => void,
      base: (value: Local) => void,
    ): void;
  }
}

Planner.prototype.ref = function (this: Planner, t: RefTerm, k: (l: Local) => void): void {
  const head = t.terms[0]!;
  if (head.type === 'var') {
    if (head.name === 'data') {
      this.dataRef(t.terms.slice(1), t, k);
      return;
    }
    if (head.name === 'input') {
      this.refRest(INPUT_LOCAL, t.terms, 1, k);
      return;
    }
    const l = this.vars.get(head.name);
    if (l === undefined) throw new PlanError(`var ${head.name} is unsafe`, t.loc);
    this.refRest(l, t.terms, 1, k);
    return;
  }
  this.term(head, (op) => this.refRest(this.e.toLocal(op), t.terms, 1, k));
};

/**
 * Walk `source[terms[i]]…`: Dot for known keys, Scan for unbound variables. `base`: the source is part of
 * the base document (`data` outside every rule), where OPA reads through a storage path and a number
 * literal key also names the object key spelled the same (`data.nested[2]` finds {"nested": {"2": …}}).
 */
Planner.prototype.refRest = function (
  this: Planner,
  source: Local,
  terms: readonly Term[],
  i: number,
  k: (l: Local) => void,
  base = false,
): void {
  if (i >= terms.length) {
    k(source);
    return;
  }
  const t = terms[i]!;
  if (this.isPattern(t)) {
    const key = this.e.local();
    const val = this.e.local();
    const block = this.e.block(() => this.unifyLocal(t, key, () => this.refRest(val, terms, i + 1, k, base)));
    this.e.emit('ScanStmt', { source, key, value: val, block });
    return;
  }
  if (base && t.type === 'number') {
    // The number indexes an array; failing that, its literal is an object key (a storage path segment).
    const target = this.e.local();
    this.e.emit('ResetLocalStmt', { target });
    this.term(t, (op) => {
      const asIndex = this.e.block(() =>
        this.e.emit('DotStmt', { source: localOp(source), key: op, target }),
      );
      const asKey = this.e.block(() => {
        this.e.emit('IsUndefinedStmt', { source: target });
        this.e.emit('DotStmt', {
          source: localOp(source),
          key: { type: 'string_index', value: this.pools.str(t.value) },
          target,
        });
      });
      this.e.emit('BlockStmt', { blocks: [asIndex, asKey] });
    });
    this.e.emit('IsDefinedStmt', { source: target });
    this.refRest(target, terms, i + 1, k, base);
    return;
  }
  this.term(t, (op) => {
    const target = this.e.local();
    this.e.emit('DotStmt', { source: localOp(source), key: op, target });
    this.refRest(target, terms, i + 1, k, base);
  });
};

/** A ref below `data`: rules become calls, the rest is looked up in the base document. */
Planner.prototype.dataRef = function (
  this: Planner,
  terms: readonly Term[],
  at: Term,
  k: (l: Local) => void,
): void {
  const walk = (node: RuleNode, path: string[], i: number): void => {
    if (this.gen.dataMocks.has(path.join('.')) && path.length > 0) {
      this.baseRef(path, (l) => this.refRest(l, terms, i, k));
      return;
    }
    if (node.rules.length > 0 && path.length > 0) {
      if (node.rules.every((r) => r.kind === 'function'))
        throw new PlanError(`function data.${path.join('.')} must be called`, at.loc);
      const res = this.e.local();
      this.e.emit('CallStmt', {
        func: this.ruleFunc(node, path, this.gen),
        args: [localOp(INPUT_LOCAL), localOp(DATA_LOCAL), ...this.extraArgs(this.gen)],
        result: res,
      });
      this.refRest(res, terms, i, k);
      return;
    }
    if (i >= terms.length) {
      k(this.document(node, path));
      return;
    }
    const t = terms[i]!;
    if (t.type === 'string') {
      const child = node.children.get(t.value);
      if (child) {
        walk(child, [...path, t.value], i + 1);
        return;
      }
      this.baseRef([...path, t.value], (l) => this.refRest(l, terms, i + 1, k, true));
      return;
    }
    // No virtual document has a non-string key: look numbers, booleans and null up in the base document.
    if (node.children.size === 0 || t.type === 'number' || t.type === 'boolean' || t.type === 'null') {
      this.baseRef(path, (l) => this.refRest(l, terms, i, k, true));
      return;
    }
    if (t.type === 'var') {
      this.dataRefAlternatives(
        node,
        path,
        t,
        (child, key) => walk(child, [...path, key], i + 1),
        (base) => this.refRest(base, terms, i + 1, k, true),
      );
      return;
    }
    this.refRest(this.document(node, path), terms, i, k);
  };
  walk(this.compiled.root, [], 0);
};

/**
 * `data.a[x]…` with a variable key over a node with virtual children: one alternative per child (the key
 * bound to or compared with the child's name), then the base document's other keys. Unrolling avoids
 * building the whole document, which would evaluate unrelated rules — and the calling rule itself.
 */
Planner.prototype.dataRefAlternatives = function (
  this: Planner,
  node: RuleNode,
  path: readonly string[],
  key: Term,
  child: (c: RuleNode, key: string) => void,
  base: (value: Local) => void,
): void {
  const names = [...node.children.keys()].sort();
  for (const name of names) {
    const blk = this.e.block(() =>
      this.scoped(() => {
        const l = this.e.local();
        this.e.emit('AssignVarStmt', {
          source: { type: 'string_index', value: this.pools.str(name) },
          target: l,
        });
        this.unifyLocal(key, l, () => child(node.children.get(name)!, name));
      }),
    );
    this.e.emit('BlockStmt', { blocks: [blk] });
  }
  const rest = this.e.block(() =>
    this.scoped(() =>
      this.baseRef(path, (doc) => {
        const k = this.e.local();
        const v = this.e.local();
        const scan = this.e.block(() => {
          for (const name of names)
            this.e.emit('NotEqualStmt', {
              a: localOp(k),
              b: { type: 'string_index', value: this.pools.str(name) },
            });
          this.unifyLocal(key, k, () => base(v));
        });
        this.e.emit('ScanStmt', { source: doc, key: k, value: v, block: scan });
      }),
    ),
  );
  this.e.emit('BlockStmt', { blocks: [rest] });
};

Planner.prototype.baseRef = function (this: Planner, path: readonly string[], k: (l: Local) => void): void {
  let cur: Local = DATA_LOCAL;
  for (const p of path) {
    const t = this.e.local();
    this.e.emit('DotStmt', {
      source: localOp(cur),
      key: { type: 'string_index', value: this.pools.str(p) },
      target: t,
    });
    cur = t;
  }
  k(cur);
};

/** The whole document at a tree node: virtual children merged into the base document. */
Planner.prototype.document = function (this: Planner, node: RuleNode, path: readonly string[]): Local {
  const obj = this.e.local();
  this.e.emit('MakeObjectStmt', { target: obj });
  for (const [key, child] of node.children) {
    if (child.rules.length > 0 && child.rules.every((r) => r.kind === 'function')) continue;
    const childPath = [...path, key];
    const blk = this.e.block(() => {
      let v: Local;
      if (this.gen.dataMocks.has(childPath.join('.'))) {
        this.baseRef(childPath, (l) =>
          this.e.emit('ObjectInsertStmt', {
            object: obj,
            key: { type: 'string_index', value: this.pools.str(key) },
            value: localOp(l),
          }),
        );
        return;
      }
      if (child.rules.length > 0) {
        v = this.e.local();
        this.e.emit('CallStmt', {
          func: this.ruleFunc(child, childPath, this.gen),
          args: [localOp(INPUT_LOCAL), localOp(DATA_LOCAL), ...this.extraArgs(this.gen)],
          result: v,
        });
      } else v = this.document(child, childPath);
      this.e.emit('ObjectInsertStmt', {
        object: obj,
        key: { type: 'string_index', value: this.pools.str(key) },
        value: localOp(v),
      });
    });
    this.e.emit('BlockStmt', { blocks: [blk] });
  }
  const res = this.e.local();
  this.e.emit('AssignVarStmt', { source: localOp(obj), target: res });
  const merge = this.e.block(() =>
    this.baseRef(path, (base) => {
      this.e.emit('IsObjectStmt', { source: localOp(base) });
      this.e.emit('ObjectMergeStmt', { a: base, b: obj, target: res });
    }),
  );
  this.e.emit('BlockStmt', { blocks: [merge] });
  return res;
};

// --- rules ---;
