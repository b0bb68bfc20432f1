/**
 * @module Registers the `sidecar` group and `up` on the `palisade` program. CLI layer.
 */
import type { Command } from 'commander';

/** The sidecar commands land with the sidecar issue; until then the group is absent. */
export function registerSidecarCommands(_program: Command): void {}
