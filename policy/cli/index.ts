/**
 * @module Registers the `policy` command group on the `palisade` program. CLI layer.
 */
import type { Command } from 'commander';
import { policyGroup, registerCheckCommand } from './check.js';
import { registerFmtCommand } from './fmt.js';

/** The policy commands land with the Rego and Wasm issues; until then the group is absent. */
export function registerPolicyCommands(program: Command): void {
  registerCheckCommand(policyGroup(program));
  registerFmtCommand(policyGroup(program));
}
