/**
 * @module The compiler's data: compile options, compiled rules grouped into the data tree, and the
 * CompiledPolicy the planner consumes. Compile layer; plain data.
 */
import type { Body, Module, Rule, Term } from '../ast/index.js';
import type { StaticType } from './stages/static-types.js';

export interface SourceFile {
  path: string;
  text: string;
}

export interface CompileOptions {
  /** Parse modules as Rego v0 (OPA 0.x syntax). */
  v0Compatible?: boolean;
  /** OPA's strict mode: unused imports, unused `:=` assignments and unused function arguments are errors. */
  strict?: boolean;
  /** Stop after the named stage (for tests and `policy check --stage`). */
  stopAfter?: string;
}

/** How a rule contributes to the document at its path. */
export type RuleKind = 'complete' | 'multi' | 'object' | 'function';

/** One rule (with its else chain), after compilation, placed in the data tree. */
export interface CompiledRule {
  /** Path from `data` to the rule's ground prefix, e.g. ['test', 'p']. */
  readonly path: readonly string[];
  /** Head ref terms after the ground prefix (`p[x].y` → [x, "y"]); empty for complete rules. */
  readonly rest: readonly Term[];
  readonly kind: RuleKind;
  readonly rule: Rule;
  readonly module: Module;
  /** Index of the module's file in the compile input (for plan positions). */
  readonly fileIndex: number;
}

/** A node of the data tree; rules sit at their ground path. */
export interface RuleNode {
  readonly key: string;
  readonly rules: CompiledRule[];
  readonly children: Map<string, RuleNode>;
}

export interface CompiledPolicy {
  readonly modules: readonly Module[];
  readonly files: readonly string[];
  readonly root: RuleNode;
  readonly options: CompileOptions;
  /**
   * Types of the rules whose value is known statically, by dotted path (`data.a.limit`), as the type
   * checker found them; ad-hoc queries are checked against them without typing the policy again.
   */
  readonly ruleTypes: ReadonlyMap<string, StaticType>;
}

/** A compiled ad-hoc query: its body in evaluation order and the variables the result binds. */
export interface CompiledQuery {
  readonly body: Body;
  /** User-visible variable names in order of first appearance (OPA's result binding keys). */
  readonly vars: readonly string[];
}

/** Find the node for `path`, or undefined. */
export function findNode(root: RuleNode, path: readonly string[]): RuleNode | undefined {
  let node: RuleNode | undefined = root;
  for (const k of path) {
    node = node.children.get(k);
    if (!node) return undefined;
  }
  return node;
}

/** Every rule in the tree, depth-first. */
export function* allRules(node: RuleNode): Generator<CompiledRule> {
  yield* node.rules;
  for (const c of node.children.values()) yield* allRules(c);
}
