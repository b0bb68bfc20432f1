/**
 * @module Lowering of collection updates: ArrayAppend, ObjectInsert, ObjectInsertOnce, ObjectMerge, SetAdd.
 * Codegen layer.
 */
import type { Lowerers } from './stmts.js';

export const collectionLowerers: Pick<
  Lowerers,
  'ArrayAppendStmt' | 'ObjectInsertStmt' | 'ObjectInsertOnceStmt' | 'ObjectMergeStmt' | 'SetAddStmt'
> = {
  ArrayAppendStmt: (c, s) => c.rtVoid('rt_arr_append', [c.get(s.array), c.operand(s.value)]),
  ObjectInsertStmt: (c, s) =>
    c.rtVoid('rt_obj_insert', [c.get(s.object), c.operand(s.key), c.operand(s.value)]),
  ObjectInsertOnceStmt: (c, s) => {
    // a key inserted twice with different values: OPA's eval_conflict_error, worded as its Wasm runtime does
    const msg = c.linker.runtimeError(s, 'object insert conflict');
    return c.rtVoid('rt_obj_insert_once', [
      c.get(s.object),
      c.operand(s.key),
      c.operand(s.value),
      c.mod.i32.const(msg.ptr),
      c.mod.i32.const(msg.len),
    ]);
  },
  ObjectMergeStmt: (c, s) => c.set(s.target, c.rt('rt_obj_merge', [c.get(s.a), c.get(s.b)])),
  SetAddStmt: (c, s) => c.rtVoid('rt_set_add', [c.get(s.set), c.operand(s.value)]),
};
