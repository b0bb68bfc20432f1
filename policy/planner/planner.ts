/**
 * @module The planner: lowers compiled Rego (rule tree, reordered bodies) to OPA's plan IR. Bodies are
 * planned in continuation-passing style as OPA's planner does: each expression emits its statements
 * and calls the continuation where the rest of the body must run (inside scans, with-blocks, …).
 * Rules become functions of (input, data[, args]) named `g<gen>.data.<path>`; `with` on virtual
 * documents or functions plans a new generation of the affected functions.
 */
import type { Body, Expr, RefTerm, Rule, Term } from '../ast/index.js';
import { builtinInfo } from '../compile/builtin-info.js';
import { opName, sameKey } from '../compile/stages/safety.js';
import { isRootVar, termVars } from '../compile/term-walk.js';
import type { CompiledPolicy, CompiledRule, RuleNode } from '../compile/types.js';
import { findNode } from '../compile/types.js';
import type { Func, Local, Operand } from '../ir/ir.js';
import { DATA_LOCAL, INPUT_LOCAL } from '../ir/ir.js';
import { Emitter, localOp, Pools } from './emitter.js';

type K = () => void;

/** Builtins that are relations: one call yields many outputs (returned as an array). */
const RELATIONS = new Set(['walk']);
type KOp = (op: Operand) => void;

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
  #gens: Generation[] = [];
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
    this.#gens.push(this.gen);
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

  // --- bodies and expressions ---

  body(body: Body, i: number, k: K): void {
    if (i >= body.length) {
      k();
      return;
    }
    this.expr(body[i]!, () => this.body(body, i + 1, k));
  }

  expr(e: Expr, k: K): void {
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
  }

  exprInner(e: Expr, k: K): void {
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
  }

  every(key: Term | undefined, value: Term, domain: Term, body: Body, k: K): void {
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
  }

  /** Refs inside `terms` that iterate (unbound vars in their path), outermost first. */
  iteratingRefs(terms: readonly Term[]): RefTerm[] {
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
      else if (t.type === 'object') for (const [a, b] of t.entries) visit(a), visit(b);
    };
    terms.forEach(visit);
    return out;
  }

  /** Plan iterating refs first, so the variables they bind are bound before any argument uses them. */
  prebind(terms: readonly Term[], k: K): void {
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
  }

  termExpr(t: Term, k: K): void {
    if (t.type === 'call' && opName(t.op) !== 'eq') {
      const arity = this.arity(t.op);
      const inputs = arity !== undefined && t.args.length === arity + 1 ? t.args.slice(0, arity) : t.args;
      if (this.iteratingRefs(inputs).length > 0) {
        this.prebind(inputs, () => this.termExprInner(t, k));
        return;
      }
    }
    this.termExprInner(t, k);
  }

  termExprInner(t: Term, k: K): void {
    if (t.type === 'call') {
      const name = opName(t.op);
      if (name === 'eq' && t.args.length === 2) {
        this.unify(t.args[0]!, t.args[1]!, k);
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
  }

  arity(op: RefTerm): number | undefined {
    const name = opName(op);
    if (op.terms[0]?.type === 'var' && op.terms[0].name === 'data') {
      const node = findNode(this.compiled.root, name.split('.').slice(1));
      const fn = node?.rules.find((r) => r.kind === 'function');
      return fn?.rule.head.args?.length;
    }
    return builtinInfo(name)?.arity;
  }

  // --- with ---

  /**
   * Plan `e`'s with-modifiers, the expression, then undo them before the continuation, as OPA's
   * planner does (planWithUndo): input/data are restored by a nested WithStmt with an empty path and
   * the saved value, and the continuation goes back to the generation in force before the modifiers.
   */
  withs(
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
  }

  /** Put input/data back to their saved values around the continuation. */
  restore(saved: readonly (readonly [Local, Local])[], j: number, k: K): void {
    if (j >= saved.length) {
      k();
      return;
    }
    const [local, copy] = saved[j]!;
    const block = this.e.block(() => this.restore(saved, j + 1, k));
    this.e.emit('WithStmt', { local, path: [], value: localOp(copy), block });
  }

  exprNoWith(e: Expr, k: K): void {
    this.expr({ ...e, with: [] }, k);
  }

  isFunctionPath(path: readonly string[]): boolean {
    const node = findNode(this.compiled.root, path);
    return node?.rules.some((r) => r.kind === 'function') ?? false;
  }

  /** The path names rules, or lies above or below a rule. */
  overlapsRules(path: readonly string[]): boolean {
    let node: RuleNode | undefined = this.compiled.root;
    for (const p of path) {
      if (node.rules.length > 0) return true;
      node = node.children.get(p);
      if (!node) return false;
    }
    return true;
  }

  /** The generation a replacement function runs in: the current data mocks, no function mocks. */
  genWithoutFnMocks(): Generation {
    // Mocks do not chain: a replacement function sees no function mocks at all (only data mocks).
    const fnMocks = new Map<string, Term>();
    const same = this.#gens.find(
      (g) =>
        g.params.length === 0 &&
        g.fnMocks.size === fnMocks.size &&
        [...fnMocks].every(([n, t]) => g.fnMocks.get(n) === t) &&
        g.dataMocks.size === this.gen.dataMocks.size &&
        [...this.gen.dataMocks].every((d) => g.dataMocks.has(d)),
    );
    if (same) return same;
    const gen: Generation = { id: this.#gens.length, dataMocks: this.gen.dataMocks, fnMocks, params: [] };
    this.#gens.push(gen);
    return gen;
  }

  withGen(mock: { data?: string; fn?: [string, Term] }, fn: () => void): void {
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
    const gen: Generation = { id: this.#gens.length, dataMocks, fnMocks, params };
    this.#gens.push(gen);
    const saved = this.gen;
    this.gen = gen;
    try {
      fn();
    } finally {
      this.gen = saved;
      this.mockLocals = savedLocals;
    }
  }

  /** Arguments every call of a rule function in `gen` passes: input, data, then the mock values. */
  extraArgs(gen: Generation): Operand[] {
    return gen.params.map((n) => {
      const l = this.mockLocals.get(n);
      if (l === undefined) throw new PlanError(`internal: no value for the mock of ${n}`);
      return localOp(l);
    });
  }

  // --- unification ---

  isUnbound(t: Term): boolean {
    return t.type === 'var' && !this.vars.has(t.name) && !isRootVar(t.name);
  }

  /** A term that binds variables by its shape (an unbound var, or an array/object containing one). */
  isPattern(t: Term): boolean {
    if (this.isUnbound(t)) return true;
    if (t.type === 'array') return t.items.some((i) => this.isPattern(i));
    if (t.type === 'object') return t.entries.some(([, v]) => this.isPattern(v));
    return false;
  }

  unify(a: Term, b: Term, k: K): void {
    if (
      a.type === 'object' &&
      b.type === 'object' &&
      a.entries.length === b.entries.length &&
      (this.isPattern(a) || this.isPattern(b))
    ) {
      const pairs = a.entries.map(
        ([ka, va]) => [va, b.entries.find(([kb]) => sameKey(ka, kb))?.[1]] as const,
      );
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
  }

  /** Unify a term with a value held in a local. */
  unifyLocal(t: Term, local: Local, k: K): void {
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
  }

  // --- terms ---

  term(t: Term, k: KOp): void {
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
        this.terms(
          t.entries.flatMap(([a, b]) => [a, b]),
          0,
          [],
          (ops) => {
            const obj = this.e.local();
            this.e.emit('MakeObjectStmt', { target: obj });
            for (let i = 0; i < ops.length; i += 2)
              this.e.emit('ObjectInsertStmt', { object: obj, key: ops[i]!, value: ops[i + 1]! });
            k(localOp(obj));
          },
        );
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
  }

  terms(ts: readonly Term[], i: number, acc: Operand[], k: (ops: Operand[]) => void): void {
    if (i >= ts.length) {
      k(acc);
      return;
    }
    this.term(ts[i]!, (op) => this.terms(ts, i + 1, [...acc, op], k));
  }

  number(lit: string): Local {
    const l = this.e.local();
    if (/^-?\d+$/.test(lit) && Number.isSafeInteger(Number(lit)))
      this.e.emit('MakeNumberIntStmt', { value: Number(lit), target: l });
    else this.e.emit('MakeNumberRefStmt', { Index: this.pools.str(lit), target: l });
    return l;
  }

  comprehension(t: Extract<Term, { type: 'arraycomp' | 'setcomp' | 'objectcomp' }>, k: KOp): void {
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
  }

  template(t: Extract<Term, { type: 'template' }>, k: KOp): void {
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
  }

  // --- calls ---

  builtin(name: string): void {
    if (this.pools.builtins.has(name)) return;
    const info = builtinInfo(name);
    this.pools.builtins.set(name, { name, decl: info?.decl ?? { type: 'function' } });
  }

  call(op: RefTerm, args: readonly Term[], at: Term, k: KOp): void {
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
        const without = this.genWithoutFnMocks();
        const saved = this.gen;
        this.gen = without;
        try {
          this.callUnmocked(mockRef, args, at, k, without);
        } finally {
          this.gen = saved;
        }
        return;
      }
      const local = this.gen.params.includes(name) ? this.mockLocals.get(name) : undefined;
      if (local !== undefined) this.terms(args, 0, [], () => k(localOp(local)));
      else this.terms(args, 0, [], () => this.term(mock, k));
      return;
    }
    this.callUnmocked(op, args, at, k, this.gen);
  }

  callUnmocked(op: RefTerm, args: readonly Term[], at: Term, k: KOp, gen: Generation): void {
    const name = opName(op);
    this.terms(args, 0, [], (ops) => {
      this.e.loc = at.loc;
      const res = this.e.local();
      if (op.terms[0]?.type === 'var' && op.terms[0].name === 'data') {
        const path = name.split('.').slice(1);
        const node = findNode(this.compiled.root, path);
        if (!node || !node.rules.some((r) => r.kind === 'function'))
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
  }

  // --- refs ---

  ref(t: RefTerm, k: (l: Local) => void): void {
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
  }

  /** Walk `source[terms[i]]…`: Dot for known keys, Scan for unbound variables. */
  refRest(source: Local, terms: readonly Term[], i: number, k: (l: Local) => void): void {
    if (i >= terms.length) {
      k(source);
      return;
    }
    const t = terms[i]!;
    if (this.isPattern(t)) {
      const key = this.e.local();
      const val = this.e.local();
      const block = this.e.block(() => this.unifyLocal(t, key, () => this.refRest(val, terms, i + 1, k)));
      this.e.emit('ScanStmt', { source, key, value: val, block });
      return;
    }
    this.term(t, (op) => {
      const target = this.e.local();
      this.e.emit('DotStmt', { source: localOp(source), key: op, target });
      this.refRest(target, terms, i + 1, k);
    });
  }

  /** A ref below `data`: rules become calls, the rest is looked up in the base document. */
  dataRef(terms: readonly Term[], at: Term, k: (l: Local) => void): void {
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
        this.baseRef([...path, t.value], (l) => this.refRest(l, terms, i + 1, k));
        return;
      }
      // No virtual document has a non-string key: look numbers, booleans and null up in the base document.
      if (node.children.size === 0 || t.type === 'number' || t.type === 'boolean' || t.type === 'null') {
        this.baseRef(path, (l) => this.refRest(l, terms, i, k));
        return;
      }
      this.refRest(this.document(node, path), terms, i, k);
    };
    walk(this.compiled.root, [], 0);
  }

  baseRef(path: readonly string[], k: (l: Local) => void): void {
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
  }

  /** The whole document at a tree node: virtual children merged into the base document. */
  document(node: RuleNode, path: readonly string[]): Local {
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
  }

  // --- rules ---

  ruleFunc(node: RuleNode, path: readonly string[], gen: Generation): string {
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
  }

  planRules(rules: readonly CompiledRule[], name: string, path: string[]): Func {
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
    for (const cr of rules) {
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
  }

  /** One definition (with its else chain) contributing to `result`. */
  planRule(cr: CompiledRule, argLocals: readonly Local[], result: Local): void {
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
  }

  ruleBody(rule: Rule, argLocals: readonly Local[], k: K): void {
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
  }

  /** Find or create the object at `obj[k1]…[kn]`, run `fn` on it, then write the chain back. */
  walkNested(obj: Local, keys: readonly Operand[], fn: (target: Local, done: () => void) => void): void {
    const chain: { parent: Local; key: Operand; child: Local }[] = [];
    let cur = obj;
    for (const key of keys) {
      const child = this.e.local();
      this.e.emit('ResetLocalStmt', { target: child });
      const parent = cur;
      const found = this.e.block(() =>
        this.e.emit('DotStmt', { source: localOp(parent), key, target: child }),
      );
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
  }

  /** `obj[k1]…[kn] = v`, creating intermediate objects; the last insert detects conflicts. */
  insertNested(obj: Local, keys: readonly Operand[], v: Operand, intoSet = false): void {
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
  }
}

function sameScalar(a: Term, b: Term): boolean {
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

export { termVars };
