/**
 * @module Registers citadel's command groups (`ca`, `cert`, `token`, `citadel`) on the `palisade` program.
 * CLI layer: parses flags, calls citadel's public API, prints results.
 */
import type { Command } from 'commander';
import { registerCaCommands } from './ca-commands.js';
import { registerCertCommands } from './cert-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerTokenCommands } from './token-command.js';

export function registerCitadelCommands(program: Command): void {
  registerCaCommands(program);
  registerCertCommands(program);
  registerTokenCommands(program);
  registerServeCommand(program);
}
