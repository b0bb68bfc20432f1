/**
 * @module Registers the `audit` command group on the `palisade` program: export, verify, tail. CLI layer.
 */
import type { Command } from 'commander';
import { registerExportCommand } from './export-command.js';
import { registerTailCommand } from './tail-command.js';
import { registerVerifyCommand } from './verify-command.js';

/** Add `palisade audit …`. */
export function registerAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('tamper-evident decision logs: export, verify, tail')
    .addHelpText(
      'after',
      `
Each sidecar (and citadel) writes its own log directory; "palisade up" puts them under
.palisade/audit/<name>/. Every command takes one log directory or a parent holding several.
See docs/audit.md for the record schema, the chain and checkpoints, and the OCSF mapping.`,
    );
  registerExportCommand(audit);
  registerVerifyCommand(audit);
  registerTailCommand(audit);
}
