/**
 * @module The mutable state compile stages pass along: inputs, modules as rewritten so far, the data
 * tree and collected diagnostics. Compile layer.
 */
import type { Module, RegoError } from '../ast/index.js';
import type { StaticType } from './stages/static-types.js';
import type { CompileOptions, RuleNode, SourceFile } from './types.js';

export interface CompileState {
  readonly files: readonly SourceFile[];
  readonly options: CompileOptions;
  modules: Module[];
  root: RuleNode | undefined;
  readonly errors: RegoError[];
  /** Counter for fresh `__localN__` names, shared by all modules of one compile. */
  readonly counter: { n: number };
  /** Fresh local names → the author's names (OPA's RewrittenVars), for messages. */
  readonly rewritten: Map<string, string>;
  /** Statically known rule types (check_calls computes them; ad-hoc queries reuse them). */
  ruleTypes?: ReadonlyMap<string, StaticType>;
}

/** One compiler pass, as OPA's compile.go stage table lists them. */
export interface Stage {
  readonly id: string;
  readonly metricName: string;
  run(state: CompileState): void;
}
