/**
 * @module Registers citadel's command groups (`ca`, `cert`, `token`, `citadel`) on the `palisade` program.
 * CLI layer: parses flags, calls citadel's public API, prints results.
 */
import type { Command } from 'commander';

/** Citadel's groups land with the citadel issue; until then none is registered. */
export function registerCitadelCommands(_program: Command): void {}
