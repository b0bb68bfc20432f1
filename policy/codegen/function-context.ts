/**
 * @module Per-function lowering state: IR locals to Wasm locals, the stack of IR block labels that
 * `BreakStmt` and undefined statements branch to, operands, and calls into the runtime. Codegen layer.
 */
import binaryen from 'binaryen';
import type { Block, Operand, Position } from '../ir/ir.js';
import type { StaticData } from './static-data.js';

/** What a function body needs from the module being linked. */
export interface Linker {
  readonly mod: binaryen.Module;
  readonly data: StaticData;
  /** Internal name of a runtime export (`rt_*`, `bi_*`). */
  rt(exportName: string): string;
  /** Address of the static string value at `static.strings[index]`. */
  stringValue(index: number): number;
  /** Raw text of `static.strings[index]`. */
  stringText(index: number): string;
  /** Lower a nested IR block (with its own label). */
  lowerBlock(ctx: FunctionContext, block: Block): binaryen.ExpressionRef;
  /** Lower a call to a plan function or builtin by name (`at`: the call's position, for host errors). */
  lowerCall(
    ctx: FunctionContext,
    func: string,
    args: binaryen.ExpressionRef[],
    at: Position,
  ): binaryen.ExpressionRef;
  /**
   * A runtime error message in static data, as OPA's Wasm runtime words it: `file:row:col: message`
   * (e.g. `test-1.rego:4:1: var assignment conflict`).
   */
  runtimeError(at: Position, message: string): { ptr: number; len: number };
  /** Plan functions callable through CallDynamicStmt. */
  readonly dynamicTargets: readonly { path: readonly string[]; arity: number; wasmName: string }[];
}

const I32 = binaryen.i32;

export class FunctionContext {
  readonly linker: Linker;
  readonly mod: binaryen.Module;
  #locals = new Map<number, number>();
  #vars: binaryen.Type[] = [];
  readonly #paramCount: number;
  #labels: string[] = [];
  #labelSeq = 0;
  /** Wasm local holding the function's return value (rules and functions), or -1 for plans. */
  returnLocal = -1;
  readonly name: string;

  constructor(linker: Linker, name: string, params: readonly number[]) {
    this.linker = linker;
    this.mod = linker.mod;
    this.name = name;
    params.forEach((p, i) => {
      this.#locals.set(p, i);
    });
    this.#paramCount = params.length;
  }

  /** The Wasm local index for an IR local (allocated on first use). */
  local(l: number): number {
    let i = this.#locals.get(l);
    if (i === undefined) {
      i = this.#paramCount + this.#vars.length;
      this.#vars.push(I32);
      this.#locals.set(l, i);
    }
    return i;
  }

  /** A fresh scratch Wasm local. */
  scratch(): number {
    const i = this.#paramCount + this.#vars.length;
    this.#vars.push(I32);
    return i;
  }

  get vars(): binaryen.Type[] {
    return this.#vars;
  }

  get(l: number): binaryen.ExpressionRef {
    return this.mod.local.get(this.local(l), I32);
  }

  set(l: number, value: binaryen.ExpressionRef): binaryen.ExpressionRef {
    return this.mod.local.set(this.local(l), value);
  }

  operand(op: Operand): binaryen.ExpressionRef {
    switch (op.type) {
      case 'local':
        return this.get(op.value);
      case 'string_index':
        return this.mod.i32.const(this.linker.stringValue(op.value));
      case 'bool':
        return this.mod.i32.const(this.linker.data.bool(op.value));
    }
  }

  /** Call a runtime export returning a value. */
  rt(name: string, args: binaryen.ExpressionRef[]): binaryen.ExpressionRef {
    return this.mod.call(this.linker.rt(name), args, I32);
  }

  /** Call a runtime export returning nothing. */
  rtVoid(name: string, args: binaryen.ExpressionRef[]): binaryen.ExpressionRef {
    return this.mod.call(this.linker.rt(name), args, binaryen.none);
  }

  // --- labels: one per IR block; undefined statements leave the innermost ---

  pushLabel(): string {
    const l = `b${this.#labelSeq++}`;
    this.#labels.push(l);
    return l;
  }

  popLabel(): void {
    this.#labels.pop();
  }

  /** Label of the block `index` levels out (0 = innermost). */
  label(index = 0): string {
    const l = this.#labels[this.#labels.length - 1 - index];
    if (l === undefined) throw new RangeError(`break index ${index} leaves the function`);
    return l;
  }

  /** Leave the innermost block (the statement is undefined) when `cond` is non-zero. */
  undefinedIf(cond: binaryen.ExpressionRef): binaryen.ExpressionRef {
    return this.mod.br(this.label(0), cond);
  }

  /** Set IR local `target` to `value`, leaving the block when it is 0 (undefined). */
  setOrUndefined(target: number, value: binaryen.ExpressionRef): binaryen.ExpressionRef {
    return this.mod.block(null, [
      this.set(target, value),
      this.undefinedIf(this.mod.i32.eqz(this.get(target))),
    ]);
  }
}
