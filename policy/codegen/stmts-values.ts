/**
 * @module Lowering of local and constant statements: Assign*, ResetLocal, Make*, Dot, Len. Codegen layer.
 */
import binaryen from 'binaryen';
import type { Lowerers } from './stmts.js';

const I32 = binaryen.i32;

export const valueLowerers: Pick<
  Lowerers,
  | 'AssignIntStmt'
  | 'AssignVarStmt'
  | 'AssignVarOnceStmt'
  | 'ResetLocalStmt'
  | 'MakeNullStmt'
  | 'MakeNumberIntStmt'
  | 'MakeNumberRefStmt'
  | 'MakeArrayStmt'
  | 'MakeObjectStmt'
  | 'MakeSetStmt'
  | 'DotStmt'
  | 'LenStmt'
> = {
  AssignIntStmt: (c, s) => c.set(s.target, c.mod.i32.const(c.linker.data.int(BigInt(s.value)))),
  AssignVarStmt: (c, s) => c.set(s.target, c.operand(s.source)),
  AssignVarOnceStmt: (c, s) => {
    // a second, different value for a complete rule or function is a conflict (OPA's eval_conflict_error,
    // worded as OPA's Wasm runtime aborts)
    const m = c.mod;
    const msg = c.linker.runtimeError(s, 'var assignment conflict');
    const tmp = c.scratch();
    return m.block(null, [
      m.local.set(tmp, c.operand(s.source)),
      m.if(
        m.i32.and(
          m.i32.ne(c.get(s.target), m.i32.const(0)),
          m.i32.eqz(c.rt('rt_equal', [c.get(s.target), m.local.get(tmp, I32)])),
        ),
        c.rtVoid('rt_abort', [m.i32.const(msg.ptr), m.i32.const(msg.len)]),
      ),
      c.set(s.target, m.local.get(tmp, I32)),
    ]);
  },
  ResetLocalStmt: (c, s) => c.set(s.target, c.mod.i32.const(0)),
  MakeNullStmt: (c, s) => c.set(s.target, c.mod.i32.const(c.linker.data.null())),
  MakeNumberIntStmt: (c, s) => c.set(s.target, c.mod.i32.const(c.linker.data.int(BigInt(s.value)))),
  MakeNumberRefStmt: (c, s) =>
    c.set(s.target, c.mod.i32.const(c.linker.data.number(c.linker.stringText(s.Index)))),
  MakeArrayStmt: (c, s) => c.set(s.target, c.rt('rt_array', [c.mod.i32.const(Math.max(0, s.capacity))])),
  MakeObjectStmt: (c, s) => c.set(s.target, c.rt('rt_object', [])),
  MakeSetStmt: (c, s) => c.set(s.target, c.rt('rt_set', [])),
  DotStmt: (c, s) =>
    c.setOrUndefined(s.target, c.rt('rt_value_get', [c.operand(s.source), c.operand(s.key)])),
  LenStmt: (c, s) => c.setOrUndefined(s.target, c.rt('rt_len', [c.operand(s.source)])),
};
