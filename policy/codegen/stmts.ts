/**
 * @module The statement lowering table: one entry per IR statement type, gathered from the per-family
 * files, so a missing statement is a type error. Codegen layer.
 */
import type binaryen from 'binaryen';
import type { Block, Position, Stmt, StmtBodies, StmtType } from '../ir/ir.js';
import type { FunctionContext } from './function-context.js';
import { callLowerers } from './stmts-calls.js';
import { collectionLowerers } from './stmts-collections.js';
import { controlLowerers } from './stmts-control.js';
import { testLowerers } from './stmts-tests.js';
import { valueLowerers } from './stmts-values.js';

export type Lowerers = {
  [K in StmtType]: (c: FunctionContext, s: Readonly<StmtBodies[K]> & Position) => binaryen.ExpressionRef;
};

const LOWERERS: Lowerers = {
  ...controlLowerers,
  ...valueLowerers,
  ...collectionLowerers,
  ...testLowerers,
  ...callLowerers,
};

export function lowerStmt(c: FunctionContext, stmt: Stmt): binaryen.ExpressionRef {
  const lower = LOWERERS[stmt.type] as (c: FunctionContext, s: unknown) => binaryen.ExpressionRef;
  if (lower === undefined) throw new TypeError(`unknown statement type ${String(stmt.type)}`);
  return lower(c, stmt.stmt);
}

/** An IR block: a labelled Wasm block; statements that turn out undefined branch to its end. */
export function lowerBlock(c: FunctionContext, block: Block): binaryen.ExpressionRef {
  const label = c.pushLabel();
  try {
    const body = block.stmts.map((s) => lowerStmt(c, s));
    return c.mod.block(label, body.length > 0 ? body : [c.mod.nop()]);
  } finally {
    c.popLabel();
  }
}
