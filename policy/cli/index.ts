/**
 * @module Registers the `policy` command group on the `palisade` program. CLI layer.
 */
import type { Command } from 'commander';
import { registerBuildCommand } from './build.js';
import { policyGroup, registerCheckCommand } from './check.js';
import { registerEvalCommand } from './eval.js';
import { registerFmtCommand } from './fmt.js';
import { registerTestCommand } from './test.js';
import { registerVerifyBundleCommand } from './verify-bundle.js';

/** The policy commands land with the Rego and Wasm issues; until then the group is absent. */
export function registerPolicyCommands(program: Command): void {
  registerCheckCommand(policyGroup(program));
  registerFmtCommand(policyGroup(program));
  registerEvalCommand(policyGroup(program));
  registerTestCommand(policyGroup(program));
  registerBuildCommand(program);
  registerVerifyBundleCommand(program);
}
