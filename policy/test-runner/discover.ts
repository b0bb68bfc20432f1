/**
 * @module Finds the tests in a compiled policy: every rule named `test_*` (and `todo_test_*`, reported as
 * skipped), as `opa test` does. Test-runner layer.
 */
import type { CompiledPolicy, RuleNode } from '../compile/index.js';

export interface TestCaseRef {
  /** `data.authz.test_allow` */
  readonly name: string;
  /** `data.authz` */
  readonly pkg: string;
  /** Entrypoint path for the planner: `authz/test_allow`. */
  readonly entrypoint: string;
  readonly file: string;
  readonly row: number;
  /** `todo_test_*`: listed, not run. */
  readonly todo: boolean;
}

/** Every test rule, sorted by file and row. */
export function discoverTests(compiled: CompiledPolicy): TestCaseRef[] {
  const out: TestCaseRef[] = [];
  const walk = (node: RuleNode, path: string[]) => {
    const last = path[path.length - 1] ?? '';
    const isTest = last.startsWith('test_');
    const isTodo = last.startsWith('todo_test_');
    const first = node.rules[0];
    if ((isTest || isTodo) && first && first.kind === 'complete' && first.rest.length === 0) {
      out.push({
        name: `data.${path.join('.')}`,
        pkg: `data.${path.slice(0, -1).join('.')}`,
        entrypoint: path.join('/'),
        file: first.rule.loc.file,
        row: first.rule.loc.row,
        todo: isTodo,
      });
    }
    for (const [key, child] of node.children) walk(child, [...path, key]);
  };
  walk(compiled.root, []);
  return out.sort((a, b) => (a.file === b.file ? a.row - b.row : a.file < b.file ? -1 : 1));
}
