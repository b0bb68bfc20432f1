/**
 * @module Planner entry points: a plan per named entrypoint (`pkg/rule` → `{result: value}`) or one
 * `eval` plan for an ad-hoc query whose results are objects of the query's variable bindings.
 */
import type { CompiledPolicy, CompiledQuery } from '../compile/types.js';
import type { Block, Plan, Policy } from '../ir/ir.js';
import { Emitter, localOp } from './emitter.js';
import { Planner } from './planner.js';

const QUERY_FILE = '<query>';

function finish(p: Planner, plans: Plan[]): Policy {
  return {
    static: {
      strings: p.pools.strings.map((value) => ({ value })),
      builtin_funcs: [...p.pools.builtins.values()],
      files: p.pools.files.map((value) => ({ value })),
    },
    plans: { plans },
    funcs: { funcs: p.pools.funcOrder.map((n) => p.pools.funcs.get(n)!) },
  };
}

/** Plans for `opa build -e pkg/rule` style entrypoints; each result is `{result: <value>}`. */
export function planEntrypointsFrom(compiled: CompiledPolicy, entrypoints: readonly string[]): Policy {
  const p = new Planner(compiled);
  const plans: Plan[] = [];
  for (const ep of entrypoints) {
    const path = ep.split('/').filter((s) => s.length > 0);
    const e = new Emitter(p.pools);
    p.e = e;
    p.vars = new Map();
    const loc = { file: '', row: 0, col: 0 };
    p.dataRef(
      path.map((value) => ({ type: 'string' as const, value, loc })),
      { type: 'var', name: 'data', loc },
      (v) => {
        const obj = e.local();
        e.emit('MakeObjectStmt', { target: obj });
        e.emit('ObjectInsertStmt', {
          object: obj,
          key: { type: 'string_index', value: p.pools.str('result') },
          value: localOp(v),
        });
        e.emit('ResultSetAddStmt', { value: obj });
      },
    );
    plans.push({ name: path.join('/'), blocks: [e.take()] });
  }
  return finish(p, plans);
}

/** The `eval` plan of a compiled query. */
export function planQueryFrom(compiled: CompiledPolicy, query: CompiledQuery): Policy {
  const p = new Planner(compiled, [QUERY_FILE]);
  const e = new Emitter(p.pools);
  p.e = e;
  p.vars = new Map();
  p.body(query.body, 0, () => {
    const obj = e.local();
    e.emit('MakeObjectStmt', { target: obj });
    for (const v of query.vars) {
      const l = p.vars.get(v);
      if (l === undefined) continue;
      e.emit('ObjectInsertStmt', {
        object: obj,
        key: { type: 'string_index', value: p.pools.str(v) },
        value: localOp(l),
      });
    }
    e.emit('ResultSetAddStmt', { value: obj });
  });
  const block: Block = e.take();
  return finish(p, [{ name: 'eval', blocks: [block] }]);
}
