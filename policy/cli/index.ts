/**
 * @module Registers the `policy` command group on the `palisade` program. CLI layer.
 */
import type { Command } from 'commander';

/** The policy commands land with the Rego and Wasm issues; until then the group is absent. */
export function registerPolicyCommands(_program: Command): void {}
