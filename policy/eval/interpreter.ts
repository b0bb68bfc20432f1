/**
 * @module The IR interpreter: runs plan and function blocks statement by statement with OPA's semantics
 * (undefined ends a block, BreakStmt leaves index+1 blocks, rules memoised per `with` scope, conflict and
 * builtin errors). Evaluator layer; the reference semantics the Wasm backend is tested against.
 */
import type { BuiltinContext } from '../builtins/index.js';
import type { Block, Operand, Stmt } from '../ir/ir.js';
import { equal, type HashKey, hashKey, ObjectValue, SetValue, type Value } from '../value/index.js';
import { dot, length, scanEntries } from './access.js';
import { callBuiltin } from './builtin-call.js';
import { type EvalLocation, RegoEvalError } from './errors.js';
import type { BuiltinResolver, EvalBuiltin, EvalTracer } from './options.js';
import type { PreparedFunc, PreparedPlan, Program } from './program.js';
import { stmtOperands } from './trace-operands.js';
import { mergeObjects, upsert } from './with-upsert.js';

type Frame = (Value | undefined)[];

// Block outcomes: fell off the end, or a ReturnLocalStmt; a number >= 0 is "leave this block and that
// many more enclosing ones" (0 = this block only: an undefined statement or BreakStmt{index: 0}).
const DONE = -1;
const RETURN = -2;

/**
 * A memoised rule result, valid for the documents it was computed against. `with` opens a fresh memo
 * scope; checking the documents' identity too keeps the memo right for any planner that passes other
 * documents as arguments instead.
 */
interface MemoEntry {
  readonly input: Value | undefined;
  readonly data: Value | undefined;
  readonly result: Value | undefined;
}

export interface InterpreterOptions {
  readonly program: Program;
  readonly builtins: BuiltinResolver;
  readonly ctx: BuiltinContext;
  readonly strict: boolean;
  readonly tracer: EvalTracer | undefined;
}

/** One evaluation: its memo, result set and call depth. Not reusable across evaluations. */
export class Interpreter {
  readonly #program: Program;
  readonly #strings: readonly string[];
  readonly #builtins: BuiltinResolver;
  readonly #resolved = new Map<string, EvalBuiltin>();
  readonly #ctx: BuiltinContext;
  readonly #strict: boolean;
  readonly #tracer: EvalTracer | undefined;
  readonly #memo: Map<string, MemoEntry>[] = [new Map()];
  readonly #results: ObjectValue[] = [];
  readonly #resultKeys = new Set<HashKey>();
  #fn: PreparedFunc | undefined;
  #returned: Value | undefined;
  #depth = 0;

  constructor(o: InterpreterOptions) {
    this.#program = o.program;
    this.#strings = o.program.strings;
    this.#builtins = o.builtins;
    this.#ctx = o.ctx;
    this.#strict = o.strict;
    this.#tracer = o.tracer;
  }

  /** Run a plan; returns its result set (binding objects, duplicates removed, in order of production). */
  runPlan(plan: PreparedPlan, input: Value | undefined, data: Value): ObjectValue[] {
    const frame: Frame = new Array(plan.frameSize);
    frame[0] = input;
    frame[1] = data;
    this.#runBlocks(plan.blocks, frame);
    return this.#results;
  }

  /** Call a plan function by value (for tests and the test runner). */
  call(fn: PreparedFunc, args: readonly (Value | undefined)[]): Value | undefined {
    return this.#call(fn, args);
  }

  #runBlocks(blocks: readonly Block[], frame: Frame): boolean {
    for (const b of blocks) {
      const r = this.#block(b, frame);
      if (r === RETURN) return true;
      // Leaving more than a top-level block ends the function (never emitted by OPA's planner).
      if (r >= 1) return false;
    }
    return false;
  }

  #call(fn: PreparedFunc, args: readonly (Value | undefined)[]): Value | undefined {
    const memo = fn.memoised ? this.#memo[this.#memo.length - 1] : undefined;
    const tracer = this.#tracer;
    if (memo) {
      const hit = memo.get(fn.name);
      if (hit !== undefined && hit.input === args[0] && hit.data === args[1]) {
        tracer?.exit?.(fn.name, hit.result, this.#depth, true);
        return hit.result;
      }
    }
    tracer?.enter?.(fn.name, args.slice(2), this.#depth);
    const frame: Frame = new Array(fn.frameSize);
    const params = fn.params;
    for (let i = 0; i < params.length; i++) frame[params[i] as number] = args[i];
    const savedFn = this.#fn;
    this.#fn = fn;
    this.#depth++;
    let result: Value | undefined;
    try {
      result = this.#runBlocks(fn.blocks, frame) ? this.#returned : frame[fn.ret];
    } finally {
      this.#depth--;
      this.#fn = savedFn;
    }
    this.#returned = undefined;
    if (memo) memo.set(fn.name, { input: args[0], data: args[1], result });
    tracer?.exit?.(fn.name, result, this.#depth, false);
    return result;
  }

  #op(o: Operand, f: Frame): Value | undefined {
    switch (o.type) {
      case 'local':
        return f[o.value];
      case 'string_index':
        return this.#strings[o.value];
      default:
        return o.value;
    }
  }

  #location(s: Stmt): EvalLocation {
    return {
      file: this.#program.files[s.stmt.file] ?? `file ${s.stmt.file}`,
      row: s.stmt.row,
      col: s.stmt.col,
    };
  }

  #block(b: Block, f: Frame): number {
    const stmts = b.stmts;
    const tracer = this.#tracer;
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i] as Stmt;
      tracer?.stmt?.(s, this.#depth);
      const r = this.#stmt(s, f);
      if (r !== DONE) {
        if (r === 0 && tracer?.fail && s.type !== 'BreakStmt') this.#traceFail(tracer, s, f, stmts[i - 1]);
        return r;
      }
    }
    return DONE;
  }

  /** Run one statement: DONE to go on with the next, otherwise the enclosing block's outcome. */
  #stmt(s: Stmt, f: Frame): number {
    switch (s.type) {
      case 'AssignVarStmt':
        f[s.stmt.target] = this.#op(s.stmt.source, f);
        return DONE;
      case 'AssignVarOnceStmt': {
        const v = this.#op(s.stmt.source, f);
        if (v === undefined) return 0;
        const cur = f[s.stmt.target];
        if (cur === undefined) f[s.stmt.target] = v;
        else if (!equal(cur, v)) throw this.#conflict(s);
        return DONE;
      }
      case 'AssignIntStmt':
        f[s.stmt.target] = s.stmt.value;
        return DONE;
      case 'ResetLocalStmt':
        f[s.stmt.target] = undefined;
        return DONE;
      case 'MakeNullStmt':
        f[s.stmt.target] = null;
        return DONE;
      case 'MakeNumberIntStmt':
        f[s.stmt.target] = s.stmt.value;
        return DONE;
      case 'MakeNumberRefStmt':
        f[s.stmt.target] = this.#program.number(s.stmt.Index);
        return DONE;
      case 'MakeArrayStmt':
        f[s.stmt.target] = [];
        return DONE;
      case 'MakeObjectStmt':
        f[s.stmt.target] = new ObjectValue();
        return DONE;
      case 'MakeSetStmt':
        f[s.stmt.target] = new SetValue();
        return DONE;
      case 'DotStmt': {
        const src = this.#op(s.stmt.source, f);
        const key = this.#op(s.stmt.key, f);
        if (src === undefined || key === undefined) return 0;
        const v = dot(src, key);
        if (v === undefined) return 0;
        f[s.stmt.target] = v;
        return DONE;
      }
      case 'LenStmt': {
        const src = this.#op(s.stmt.source, f);
        const n = src === undefined ? undefined : length(src);
        if (n === undefined) return 0;
        f[s.stmt.target] = n;
        return DONE;
      }
      case 'EqualStmt': {
        const a = this.#op(s.stmt.a, f);
        const b = this.#op(s.stmt.b, f);
        return a !== undefined && b !== undefined && equal(a, b) ? DONE : 0;
      }
      case 'NotEqualStmt': {
        const a = this.#op(s.stmt.a, f);
        const b = this.#op(s.stmt.b, f);
        return a !== undefined && b !== undefined && !equal(a, b) ? DONE : 0;
      }
      case 'IsArrayStmt':
        return Array.isArray(this.#op(s.stmt.source, f)) ? DONE : 0;
      case 'IsObjectStmt':
        return this.#op(s.stmt.source, f) instanceof ObjectValue ? DONE : 0;
      case 'IsSetStmt':
        return this.#op(s.stmt.source, f) instanceof SetValue ? DONE : 0;
      case 'IsDefinedStmt':
        return f[s.stmt.source] !== undefined ? DONE : 0;
      case 'IsUndefinedStmt':
        return f[s.stmt.source] === undefined ? DONE : 0;
      case 'ArrayAppendStmt': {
        const arr = f[s.stmt.array];
        const v = this.#op(s.stmt.value, f);
        if (!Array.isArray(arr) || v === undefined) return 0;
        arr.push(v);
        return DONE;
      }
      case 'ObjectInsertStmt':
      case 'ObjectInsertOnceStmt': {
        const obj = f[s.stmt.object];
        const k = this.#op(s.stmt.key, f);
        const v = this.#op(s.stmt.value, f);
        if (!(obj instanceof ObjectValue) || k === undefined || v === undefined) return 0;
        if (s.type === 'ObjectInsertOnceStmt') {
          const cur = obj.get(k);
          if (cur !== undefined) {
            if (!equal(cur, v))
              throw new RegoEvalError('eval_conflict_error', 'object keys must be unique', this.#location(s));
            return DONE;
          }
        }
        obj.set(k, v);
        return DONE;
      }
      case 'ObjectMergeStmt': {
        const a = f[s.stmt.a];
        const b = f[s.stmt.b];
        if (a === undefined || b === undefined) return 0;
        f[s.stmt.target] = mergeObjects(a, b);
        return DONE;
      }
      case 'SetAddStmt': {
        const set = f[s.stmt.set];
        const v = this.#op(s.stmt.value, f);
        if (!(set instanceof SetValue) || v === undefined) return 0;
        set.add(v);
        return DONE;
      }
      case 'CallStmt':
        return this.#callStmt(s, f);
      case 'CallDynamicStmt':
        return this.#callDynamic(s, f);
      case 'BlockStmt': {
        for (const child of s.stmt.blocks ?? []) {
          const r = this.#block(child, f);
          if (r === RETURN) return RETURN;
          if (r >= 1) return r - 1;
        }
        return DONE;
      }
      case 'BreakStmt':
        return s.stmt.index;
      case 'NotStmt': {
        const r = this.#block(s.stmt.block, f);
        if (r === DONE) return 0; // the negated block succeeded: `not` is undefined
        if (r === 0) return DONE;
        return r === RETURN ? RETURN : r - 1;
      }
      case 'ScanStmt':
        return this.#scan(s, f);
      case 'WithStmt':
        return this.#with(s, f);
      case 'ResultSetAddStmt': {
        const v = f[s.stmt.value];
        if (!(v instanceof ObjectValue)) return 0;
        const h = hashKey(v);
        if (!this.#resultKeys.has(h)) {
          this.#resultKeys.add(h);
          this.#results.push(v);
        }
        return DONE;
      }
      case 'ReturnLocalStmt':
        this.#returned = f[s.stmt.source];
        return RETURN;
      case 'NopStmt':
        return DONE;
      default:
        throw new RegoEvalError(
          'eval_internal_error',
          `unknown IR statement ${(s as { type: string }).type}`,
        );
    }
  }

  /**
   * Report an undefined statement. A comparison builtin's result tested against `false` is reported as the
   * call itself (`equal("POST", "GET")`), which is what the author wrote.
   */
  #traceFail(tracer: EvalTracer, s: Stmt, f: Frame, prev: Stmt | undefined): void {
    if (
      (s.type === 'NotEqualStmt' || s.type === 'EqualStmt') &&
      prev?.type === 'CallStmt' &&
      s.stmt.a.type === 'local' &&
      s.stmt.a.value === prev.stmt.result &&
      s.stmt.b.type === 'bool'
    ) {
      tracer.fail?.(
        s,
        this.#depth,
        stmtOperands(prev, (o) => this.#op(o, f), f, this.#program),
        prev.stmt.func,
      );
      return;
    }
    tracer.fail?.(
      s,
      this.#depth,
      stmtOperands(s, (o) => this.#op(o, f), f, this.#program),
    );
  }

  #conflict(s: Stmt): RegoEvalError {
    const msg = this.#fn?.isFunction
      ? 'functions must not produce multiple outputs for same inputs'
      : 'complete rules must not produce multiple outputs';
    return new RegoEvalError('eval_conflict_error', msg, this.#location(s));
  }

  #scan(s: Extract<Stmt, { type: 'ScanStmt' }>, f: Frame): number {
    const src = f[s.stmt.source];
    const entries = src === undefined ? undefined : scanEntries(src);
    if (!entries) return DONE;
    const { key, value, block } = s.stmt;
    const { keys, values } = entries;
    for (let i = 0; i < values.length; i++) {
      f[key] = keys === null ? i : keys[i];
      f[value] = values[i];
      const r = this.#block(block, f);
      // Undefined or BreakStmt{0} in the body: next element. BreakStmt{1}: end the scan, carry on after it.
      if (r === DONE || r === 0) continue;
      return r === RETURN ? RETURN : r === 1 ? DONE : r - 2;
    }
    return DONE;
  }

  #with(s: Extract<Stmt, { type: 'WithStmt' }>, f: Frame): number {
    const { local, path, value, block } = s.stmt;
    const v = this.#op(value, f);
    const saved = f[local];
    const keys = (path ?? []).map((i) => this.#strings[i] as string);
    // The planner restores the original document with `with input as <saved input>`, which may be
    // undefined (no input given): replacing the whole document with undefined is allowed.
    if (v === undefined && keys.length > 0) return 0;
    f[local] = v === undefined ? undefined : upsert(saved, keys, v);
    this.#memo.push(new Map());
    let r: number;
    try {
      r = this.#block(block, f);
    } finally {
      this.#memo.pop();
      f[local] = saved;
    }
    if (r === DONE) return DONE;
    if (r === RETURN) return RETURN;
    return r === 0 ? 0 : r - 1;
  }

  #callStmt(s: Extract<Stmt, { type: 'CallStmt' }>, f: Frame): number {
    const ops = s.stmt.args ?? [];
    const fn = this.#program.funcs.get(s.stmt.func);
    const args: (Value | undefined)[] = new Array(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const v = this.#op(ops[i] as Operand, f);
      // Plan functions receive `input` even when it is undefined; builtins need every argument.
      if (v === undefined && !fn) return 0;
      args[i] = v;
    }
    const result = fn ? this.#call(fn, args) : this.#builtin(s, s.stmt.func, args as Value[]);
    if (result === undefined) return 0;
    f[s.stmt.result] = result;
    return DONE;
  }

  #callDynamic(s: Extract<Stmt, { type: 'CallDynamicStmt' }>, f: Frame): number {
    const parts: string[] = [];
    for (const p of s.stmt.path) {
      const v = this.#op(p, f);
      if (typeof v !== 'string') return 0;
      parts.push(v);
    }
    const fn = this.#program.funcsByPath.get(parts.join('\u0000'));
    if (!fn) return 0;
    const args = s.stmt.args.map((l) => f[l]);
    const result = this.#call(fn, args);
    if (result === undefined) return 0;
    f[s.stmt.result] = result;
    return DONE;
  }

  #builtin(s: Stmt, name: string, args: readonly Value[]): Value | undefined {
    let def = this.#resolved.get(name);
    if (!def) {
      def = this.#builtins(name);
      if (!def) throw new RegoEvalError('eval_internal_error', `unknown function ${name}`, this.#location(s));
      this.#resolved.set(name, def);
    }
    return callBuiltin(def, args, this.#ctx, this.#strict, () => this.#location(s));
  }
}
