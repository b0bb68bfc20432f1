/**
 * @module The compiler's stage table, in order, like OPA's compile.go: each entry names a stage and
 * its metric, and the compiler runs them in sequence, stopping after any stage that reported errors.
 */
import type { Stage } from './compile-state.js';
import { checkCallsInRule } from './stages/check-calls.js';
import { checkDeprecatedStage } from './stages/check-deprecated.js';
import { checkWithInRule } from './stages/check-with.js';
import { metadataStage } from './stages/metadata.js';
import { parseStage } from './stages/parse.js';
import { checkRecursion } from './stages/recursion.js';
import { resolveRefsStage } from './stages/rewrite-modules.js';
import { buildRuleTree } from './stages/rule-tree.js';
import { ruleTypes } from './stages/rule-types.js';
import { safetyStage } from './stages/safety-stage.js';
import { allRules } from './types.js';

function buildTree(state: Parameters<Stage['run']>[0]): void {
  const { root, errors } = buildRuleTree(state.modules, (m) =>
    state.files.findIndex((f) => f.path === m.file),
  );
  state.root = root;
  state.errors.push(...errors);
}

export const STAGES: readonly Stage[] = [
  { id: 'parse', metricName: 'compile_stage_parse', run: parseStage },
  { id: 'resolve_refs', metricName: 'compile_stage_resolve_refs', run: resolveRefsStage },
  { id: 'rewrite_metadata_calls', metricName: 'compile_stage_rewrite_metadata_calls', run: metadataStage },
  { id: 'build_rule_tree', metricName: 'compile_stage_rule_tree', run: buildTree },
  {
    id: 'check_calls',
    metricName: 'compile_stage_check_calls',
    run: (state) => {
      const types = ruleTypes(state.root!);
      state.ruleTypes = types;
      for (const r of allRules(state.root!)) {
        checkCallsInRule(state.root!, r.rule, state.errors, types);
        checkWithInRule(state.root!, r.rule, state.errors);
      }
    },
  },
  {
    id: 'check_safety',
    metricName: 'compile_stage_check_safety',
    run: (state) => {
      safetyStage(state);
      buildTree(state);
    },
  },
  {
    id: 'check_recursion',
    metricName: 'compile_stage_check_recursion',
    run: (state) => {
      state.errors.push(...checkRecursion(state.root!));
    },
  },
  {
    id: 'check_deprecated_builtins',
    metricName: 'compile_stage_check_deprecated_builtins',
    run: checkDeprecatedStage,
  },
];
