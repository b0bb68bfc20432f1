/**
 * @module Lowering of calls: CallStmt (plan functions, native and host builtins) and CallDynamicStmt (a plan
 * function chosen at run time by its path). Codegen layer.
 */
import binaryen from 'binaryen';
import type { StmtBodies } from '../ir/ir.js';
import type { FunctionContext } from './function-context.js';
import type { Lowerers } from './stmts.js';

const I32 = binaryen.i32;

export const callLowerers: Pick<Lowerers, 'CallStmt' | 'CallDynamicStmt'> = {
  CallStmt: (c, s) =>
    c.setOrUndefined(
      s.result,
      c.linker.lowerCall(
        c,
        s.func,
        (s.args ?? []).map((a) => c.operand(a)),
        s,
      ),
    ),
  CallDynamicStmt: lowerCallDynamic,
};

/** Compare the path's values with each candidate's path and call the first that matches. */
function lowerCallDynamic(c: FunctionContext, s: StmtBodies['CallDynamicStmt']): binaryen.ExpressionRef {
  const m = c.mod;
  const parts = s.path.map(() => c.scratch());
  const prep = s.path.map((op, i) => m.local.set(parts[i]!, c.operand(op)));
  const found = `dyn${parts[0] ?? c.scratch()}`;
  const arms: binaryen.ExpressionRef[] = [];
  for (const target of c.linker.dynamicTargets) {
    if (target.path.length !== s.path.length || target.arity !== s.args.length) continue;
    const conds = target.path.map((seg, i) =>
      c.rt('rt_equal', [m.local.get(parts[i]!, I32), m.i32.const(c.linker.data.string(seg))]),
    );
    const all = conds.reduce((acc, x) => m.i32.and(acc, x));
    arms.push(
      m.if(
        all,
        m.block(null, [
          c.set(
            s.result,
            m.call(
              target.wasmName,
              s.args.map((a) => c.get(a)),
              I32,
            ),
          ),
          m.br(found),
        ]),
      ),
    );
  }
  return m.block(null, [
    ...prep,
    c.set(s.result, m.i32.const(0)),
    m.block(found, arms.length > 0 ? arms : [m.nop()]),
    c.undefinedIf(m.i32.eqz(c.get(s.result))),
  ]);
}
