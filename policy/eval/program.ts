/**
 * @module A plan document prepared for evaluation: functions indexed by name and path, string and number
 * constants decoded once, frame sizes computed. Evaluator layer; built once per Policy and cached.
 */
import type { Block, Func, Plan, Policy, Stmt } from '../ir/ir.js';
import { numberFromLiteral, type Value } from '../value/index.js';
import { RegoEvalError } from './errors.js';

/** A function ready to call. */
export interface PreparedFunc {
  readonly name: string;
  readonly params: readonly number[];
  readonly ret: number;
  readonly blocks: readonly Block[];
  /** Number of local slots a frame needs. */
  readonly frameSize: number;
  /** Rules take (input, data) only; their results are memoised within an evaluation (and `with` scope). */
  readonly memoised: boolean;
  /** Functions with arguments report OPA's function conflict message, rules the complete-rule one. */
  readonly isFunction: boolean;
}

export interface PreparedPlan {
  readonly name: string;
  readonly blocks: readonly Block[];
  readonly frameSize: number;
}

/** The decoded plan document. */
export class Program {
  readonly strings: readonly string[];
  readonly files: readonly string[];
  readonly funcs = new Map<string, PreparedFunc>();
  /** Functions by their `path` joined with `\u0000`, for CallDynamicStmt. */
  readonly funcsByPath = new Map<string, PreparedFunc>();
  readonly plans = new Map<string, PreparedPlan>();
  readonly #numbers = new Map<number, Value>();

  constructor(readonly policy: Policy) {
    this.strings = (policy.static?.strings ?? []).map((s) => s.value);
    this.files = (policy.static?.files ?? []).map((f) => f.value);
    for (const f of policy.funcs?.funcs ?? []) {
      const prepared = prepareFunc(f);
      this.funcs.set(f.name, prepared);
      if (f.path) this.funcsByPath.set(f.path.join('\u0000'), prepared);
    }
    for (const p of policy.plans?.plans ?? []) this.plans.set(p.name, preparePlan(p));
  }

  /** The number a MakeNumberRefStmt refers to, decoded once. */
  number(index: number): Value {
    let n = this.#numbers.get(index);
    if (n === undefined) {
      const text = this.strings[index];
      if (text === undefined)
        throw new RegoEvalError('eval_internal_error', `number constant ${index} out of range`);
      try {
        n = numberFromLiteral(text);
      } catch (cause) {
        throw new RegoEvalError(
          'eval_internal_error',
          `invalid number literal ${JSON.stringify(text)}`,
          undefined,
          {
            cause,
          },
        );
      }
      this.#numbers.set(index, n);
    }
    return n;
  }
}

const programs = new WeakMap<Policy, Program>();

/** The prepared form of a plan document, cached per document object. */
export function programFor(policy: Policy): Program {
  let p = programs.get(policy);
  if (!p) {
    p = new Program(policy);
    programs.set(policy, p);
  }
  return p;
}

function prepareFunc(f: Func): PreparedFunc {
  let max = Math.max(f.return, 1, ...f.params);
  for (const b of f.blocks) max = Math.max(max, maxLocalInBlock(b));
  return {
    name: f.name,
    params: f.params,
    ret: f.return,
    blocks: f.blocks,
    frameSize: max + 1,
    memoised: f.params.length === 2,
    isFunction: f.params.length > 2,
  };
}

function preparePlan(p: Plan): PreparedPlan {
  let max = 1;
  for (const b of p.blocks) max = Math.max(max, maxLocalInBlock(b));
  return { name: p.name, blocks: p.blocks, frameSize: max + 1 };
}

function maxLocalInBlock(b: Block): number {
  let max = 0;
  for (const s of b.stmts) max = Math.max(max, maxLocalInStmt(s));
  return max;
}

/** The highest local a statement (and its nested blocks) touches. */
function maxLocalInStmt(s: Stmt): number {
  let max = 0;
  const body = s.stmt as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(body)) {
    if (k === 'file' || k === 'row' || k === 'col' || k === 'Index' || k === 'index' || k === 'capacity')
      continue;
    if (k === 'value' && (s.type === 'AssignIntStmt' || s.type === 'MakeNumberIntStmt')) continue;
    if (k === 'path' && s.type === 'WithStmt') continue;
    max = Math.max(max, maxLocalIn(v));
  }
  return max;
}

function maxLocalIn(v: unknown): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) {
    let max = 0;
    for (const x of v) max = Math.max(max, maxLocalIn(x));
    return max;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.type === 'local' && typeof o.value === 'number') return o.value;
    if (o.type === 'string_index' || o.type === 'bool') return 0;
    if (Array.isArray(o.stmts)) return maxLocalInBlock(o as unknown as Block);
    if (Array.isArray(o.blocks)) return maxLocalIn(o.blocks);
  }
  return 0;
}
