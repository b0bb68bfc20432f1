/**
 * @module `--explain`: a tracer that records which rules were evaluated, what they produced, and which
 * expressions were undefined (with the values involved), rendered against the policy source so an author
 * can see why a decision came out as it did. Evaluator layer.
 */
import type { Policy, Stmt } from '../ir/ir.js';
import { toRegoString, type Value } from '../value/index.js';
import type { EvalLocation } from './errors.js';
import type { EvalTracer } from './options.js';

/** One rule or function evaluation and what happened inside it. */
export interface ExplainNode {
  /** `data.pkg.rule` (the plan function's name without its `gN.` prefix). */
  readonly rule: string;
  readonly args: readonly (Value | undefined)[];
  result: Value | undefined;
  memo: boolean;
  location: EvalLocation | undefined;
  readonly children: ExplainNode[];
  readonly failures: ExplainFailure[];
}

/** An expression that was undefined and ended its block. */
export interface ExplainFailure {
  readonly location: EvalLocation;
  readonly operands: readonly (Value | undefined)[];
  /** The builtin whose result made the expression undefined (e.g. `equal`, `lt`). */
  readonly callee?: string | undefined;
}

/** Rule name from a plan function name: `g0.data.a.b` → `data.a.b`. */
export function ruleName(func: string): string {
  return func.replace(/^g\d+\./, '');
}

/** Records a call tree while evaluating; pass as `tracer`, then `render()`. */
export class Explainer implements EvalTracer {
  /** Rules called from the query itself, in order. */
  readonly roots: ExplainNode[] = [];
  /** Undefined expressions of the query itself. */
  readonly queryFailures: ExplainFailure[] = [];
  readonly #files: readonly string[];
  readonly #stack: ExplainNode[] = [];

  constructor(policy: Policy) {
    this.#files = (policy.static?.files ?? []).map((f) => f.value);
  }

  enter(func: string, args: readonly (Value | undefined)[]): void {
    const node: ExplainNode = {
      rule: ruleName(func),
      args,
      result: undefined,
      memo: false,
      location: undefined,
      children: [],
      failures: [],
    };
    (this.#stack.at(-1)?.children ?? this.roots).push(node);
    this.#stack.push(node);
  }

  exit(func: string, result: Value | undefined, _depth: number, memo: boolean): void {
    if (memo) {
      // A memo hit has no matching enter: record it as a leaf.
      const leaf: ExplainNode = {
        rule: ruleName(func),
        args: [],
        result,
        memo: true,
        location: undefined,
        children: [],
        failures: [],
      };
      (this.#stack.at(-1)?.children ?? this.roots).push(leaf);
      return;
    }
    const node = this.#stack.pop();
    if (node) node.result = result;
  }

  stmt(s: Stmt): void {
    const node = this.#stack.at(-1);
    if (node && node.location === undefined && s.stmt.row > 0) node.location = this.#loc(s);
  }

  fail(s: Stmt, _depth: number, operands: readonly (Value | undefined)[], callee?: string): void {
    if (s.stmt.row <= 0) return;
    const list = this.#stack.at(-1)?.failures ?? this.queryFailures;
    const location = this.#loc(s);
    // One line per source line: the planner lowers one expression into several statements.
    if (list.some((f) => sameLine(f.location, location))) return;
    list.push({ location, operands, callee: callee === undefined ? undefined : ruleName(callee) });
  }

  #loc(s: Stmt): EvalLocation {
    return { file: this.#files[s.stmt.file] ?? '?', row: s.stmt.row, col: s.stmt.col };
  }

  /**
   * Text explanation. `sources` maps file names to their text, for quoting the failing lines; rules called
   * repeatedly are shown once per distinct outcome.
   */
  render(sources: ReadonlyMap<string, string>): string {
    const lines: string[] = [];
    const quote = (loc: EvalLocation) => {
      const text = sources.get(loc.file)?.split('\n')[loc.row - 1]?.trim();
      return `${loc.file}:${loc.row}${text ? `: ${text}` : ''}`;
    };
    const failures = (list: readonly ExplainFailure[], pad: string) => {
      for (const f of list.slice(0, 8)) {
        const args = f.operands.map(show).join(', ');
        const call = f.callee && (args ? `${f.callee}(${args})` : f.callee);
        const values = call ? `   [${call} is false]` : args ? `   [${args}]` : '';
        lines.push(`${pad}✗ undefined at ${quote(f.location)}${values}`);
      }
      if (list.length > 8) lines.push(`${pad}… ${list.length - 8} more undefined expressions`);
    };
    const walk = (nodes: readonly ExplainNode[], pad: string) => {
      const seen = new Set<string>();
      for (const n of nodes) {
        const args = n.args.length > 0 ? `(${n.args.map(show).join(', ')})` : '';
        const key = `${n.rule}${args}=${show(n.result)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const where = n.location ? `   (${n.location.file}:${n.location.row})` : '';
        const memo = n.memo ? ' (cached)' : '';
        lines.push(`${pad}${n.rule}${args} => ${show(n.result)}${memo}${where}`);
        if (n.result === undefined || n.result === false) failures(n.failures, `${pad}    `);
        walk(n.children, `${pad}  `);
      }
    };
    walk(this.roots, '');
    failures(this.queryFailures, '');
    return lines.join('\n');
  }
}

function sameLine(a: EvalLocation, b: EvalLocation): boolean {
  return a.file === b.file && a.row === b.row;
}

function show(v: Value | undefined): string {
  if (v === undefined) return 'undefined';
  const s = toRegoString(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
