/**
 * @module Lowering of tests that end the block when they fail: Equal, NotEqual, Is*. Codegen layer.
 * Type tests read the tag byte inline (address 0, an undefined local, holds tag 0 and matches nothing).
 */
import type binaryen from 'binaryen';
import type { Operand } from '../ir/ir.js';
import type { FunctionContext } from './function-context.js';
import { T_ARRAY, T_OBJECT, T_SET } from './runtime-library.js';
import type { Lowerers } from './stmts.js';

function isType(c: FunctionContext, source: Operand, tag: number): binaryen.ExpressionRef {
  const m = c.mod;
  return c.undefinedIf(m.i32.ne(m.i32.load8_u(0, 1, c.operand(source)), m.i32.const(tag)));
}

export const testLowerers: Pick<
  Lowerers,
  | 'EqualStmt'
  | 'NotEqualStmt'
  | 'IsArrayStmt'
  | 'IsObjectStmt'
  | 'IsSetStmt'
  | 'IsDefinedStmt'
  | 'IsUndefinedStmt'
> = {
  EqualStmt: (c, s) => c.undefinedIf(c.mod.i32.eqz(c.rt('rt_equal', [c.operand(s.a), c.operand(s.b)]))),
  NotEqualStmt: (c, s) => c.undefinedIf(c.rt('rt_equal', [c.operand(s.a), c.operand(s.b)])),
  IsArrayStmt: (c, s) => isType(c, s.source, T_ARRAY),
  IsObjectStmt: (c, s) => isType(c, s.source, T_OBJECT),
  IsSetStmt: (c, s) => isType(c, s.source, T_SET),
  IsDefinedStmt: (c, s) => c.undefinedIf(c.mod.i32.eqz(c.get(s.source))),
  IsUndefinedStmt: (c, s) => c.undefinedIf(c.mod.i32.ne(c.get(s.source), c.mod.i32.const(0))),
};
