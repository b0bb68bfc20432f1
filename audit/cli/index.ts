/**
 * @module Registers the `audit` command group on the `palisade` program. CLI layer.
 */
import type { Command } from 'commander';

/** The audit commands land with the audit issue; until then the group is absent. */
export function registerAuditCommands(_program: Command): void {}
