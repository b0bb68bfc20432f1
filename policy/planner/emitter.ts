/**
 * @module The planner's output side: string/file/builtin pools of a plan document and a per-function
 * statement emitter with nested blocks and fresh locals. Planner layer; produces plain IR data.
 */
import type { Location } from '../ast/index.js';
import type { Block, BuiltinFunc, Func, Local, Operand, Stmt, StmtBodies, StmtType } from '../ir/ir.js';

/** The plan-wide pools: every string, source file and builtin the plan references. */
export class Pools {
  readonly strings: string[] = [];
  readonly #stringIndex = new Map<string, number>();
  readonly files: string[];
  readonly builtins = new Map<string, BuiltinFunc>();
  readonly funcs = new Map<string, Func>();
  /** Functions in the order they were first requested (deterministic output). */
  readonly funcOrder: string[] = [];

  constructor(files: readonly string[]) {
    this.files = [...files];
  }

  str(s: string): number {
    let i = this.#stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.#stringIndex.set(s, i);
    }
    return i;
  }

  fileIndex(file: string): number {
    let i = this.files.indexOf(file);
    if (i < 0) {
      i = this.files.length;
      this.files.push(file);
    }
    return i;
  }
}

/** Builds one function's (or plan's) blocks. Locals 0 and 1 are input and data. */
export class Emitter {
  #next: number;
  readonly #stack: Stmt[][] = [[]];
  readonly #pools: Pools;
  /** Position stamped on the statements emitted next. */
  loc: Location = { file: '', row: 0, col: 0 };

  constructor(pools: Pools, firstLocal = 2) {
    this.#pools = pools;
    this.#next = firstLocal;
  }

  local(): Local {
    return this.#next++;
  }

  emit<K extends StmtType>(type: K, body: StmtBodies[K]): void {
    const pos = {
      file: this.loc.file ? this.#pools.fileIndex(this.loc.file) : 0,
      row: this.loc.row,
      col: this.loc.col,
    };
    this.#stack[this.#stack.length - 1]!.push({ type, stmt: { ...body, ...pos } } as Stmt);
  }

  /** Run `fn` collecting its statements into a new block. */
  block(fn: () => void): Block {
    this.#stack.push([]);
    try {
      fn();
    } finally {
      // fall through to pop even when planning throws, so the stack stays balanced
    }
    return { stmts: this.#stack.pop()! };
  }

  /** The statements emitted at the outermost level so far, as one block; resets the outer level. */
  take(): Block {
    const stmts = this.#stack[0]!;
    this.#stack[0] = [];
    return { stmts };
  }

  /** Copy an operand into a fresh local (locals are needed where the IR takes a Local). */
  toLocal(op: Operand): Local {
    if (op.type === 'local') return op.value;
    const t = this.local();
    this.emit('AssignVarStmt', { source: op, target: t });
    return t;
  }
}

export function localOp(l: Local): Operand {
  return { type: 'local', value: l };
}
