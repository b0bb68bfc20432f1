/**
 * @module Lowering of control statements: Block, Break, Scan, Not, With, ReturnLocal, ResultSetAdd, Nop.
 * Codegen layer.
 */
import binaryen from 'binaryen';
import type { StmtBodies } from '../ir/ir.js';
import type { FunctionContext } from './function-context.js';
import type { Lowerers } from './stmts.js';

const I32 = binaryen.i32;

export const controlLowerers: Pick<
  Lowerers,
  | 'BlockStmt'
  | 'BreakStmt'
  | 'ScanStmt'
  | 'NotStmt'
  | 'WithStmt'
  | 'ReturnLocalStmt'
  | 'ResultSetAddStmt'
  | 'NopStmt'
> = {
  BlockStmt: (c, s) =>
    c.mod.block(
      null,
      (s.blocks ?? []).map((b) => c.linker.lowerBlock(c, b)),
    ),
  BreakStmt: (c, s) => c.mod.br(c.label(s.index)),
  ScanStmt: lowerScan,
  NotStmt: (c, s) => {
    // defined iff the block is undefined: the block sets a flag when it runs to its end
    const flag = c.scratch();
    const m = c.mod;
    const inner = c.linker.lowerBlock(c, { stmts: s.block.stmts });
    return m.block(null, [
      m.local.set(flag, m.i32.const(0)),
      withFlagAtEnd(c, inner, flag),
      c.undefinedIf(m.local.get(flag, I32)),
    ]);
  },
  WithStmt: lowerWith,
  ReturnLocalStmt: (c, s) => c.mod.return(c.get(s.source)),
  ResultSetAddStmt: (c, s) => c.rtVoid('rt_result_add', [c.get(s.value)]),
  NopStmt: (c) => c.mod.nop(),
};

/** Append `flag = 1` inside a lowered block (so it runs only when the block completes). */
function withFlagAtEnd(
  c: FunctionContext,
  block: binaryen.ExpressionRef,
  flag: number,
): binaryen.ExpressionRef {
  const info = binaryen.getExpressionInfo(block) as binaryen.BlockInfo;
  return c.mod.block(info.name, [...info.children, c.mod.local.set(flag, c.mod.i32.const(1))]);
}

function lowerScan(c: FunctionContext, s: StmtBodies['ScanStmt']): binaryen.ExpressionRef {
  const m = c.mod;
  const n = c.scratch();
  const i = c.scratch();
  const loop = `scan${c.scratch()}`;
  const done = `${loop}_done`;
  const body = c.linker.lowerBlock(c, s.block);
  return m.block(done, [
    m.local.set(n, c.rt('rt_iter_len', [c.get(s.source)])),
    m.local.set(i, m.i32.const(0)),
    m.loop(
      loop,
      m.block(null, [
        m.br(done, m.i32.ge_u(m.local.get(i, I32), m.local.get(n, I32))),
        c.set(s.key, c.rt('rt_iter_key', [c.get(s.source), m.local.get(i, I32)])),
        c.set(s.value, c.rt('rt_iter_val', [c.get(s.source), m.local.get(i, I32)])),
        body,
        m.local.set(i, m.i32.add(m.local.get(i, I32), m.i32.const(1))),
        m.br(loop),
      ]),
    ),
  ]);
}

/** Run the block with input or data replaced at a path; the rule memo is set aside meanwhile. */
function lowerWith(c: FunctionContext, s: StmtBodies['WithStmt']): binaryen.ExpressionRef {
  const m = c.mod;
  const saved = c.scratch();
  const memo = c.scratch();
  const path = s.path ?? [];
  // Build the upserted value from the innermost key outwards: v_k = upsert(get(v_{k-1}, key_k), ...).
  const bases: number[] = [];
  const prep: binaryen.ExpressionRef[] = [];
  let cur = c.get(s.local);
  for (let k = 0; k < path.length; k++) {
    const b = c.scratch();
    bases.push(b);
    prep.push(m.local.set(b, cur));
    cur = c.rt('rt_value_get', [m.local.get(b, I32), m.i32.const(c.linker.stringValue(path[k]!))]);
  }
  let value = c.operand(s.value);
  for (let k = path.length - 1; k >= 0; k--) {
    value = c.rt('rt_upsert', [
      m.local.get(bases[k]!, I32),
      m.i32.const(c.linker.stringValue(path[k]!)),
      value,
    ]);
  }
  // Like OPA: the with statement is undefined when its block is (a flag set at the block's end), and
  // input/data and the rule memo are restored either way.
  const done = c.scratch();
  return m.block(null, [
    m.local.set(saved, c.get(s.local)),
    ...prep,
    c.set(s.local, value),
    m.local.set(memo, c.rt('rt_memo_push', [])),
    m.local.set(done, m.i32.const(0)),
    withFlagAtEnd(c, c.linker.lowerBlock(c, s.block), done),
    c.set(s.local, m.local.get(saved, I32)),
    c.rtVoid('rt_memo_pop', [m.local.get(memo, I32)]),
    c.undefinedIf(m.i32.eqz(m.local.get(done, I32))),
  ]);
}
