/**
 * @module Where Palisade keeps its state. Foundation layer. One rule for every command: `--state-dir`
 * wins, then `PALISADE_HOME`, then `.palisade/` under the working directory.
 */
import { resolve } from 'node:path';

export const DEFAULT_STATE_DIR_NAME = '.palisade';

export interface StateDirSources {
  /** Value of the `--state-dir` flag, if given. */
  flag?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/** Resolve the state directory to an absolute path. Does not create it. */
export function resolveStateDir(sources: StateDirSources = {}): string {
  const cwd = sources.cwd ?? process.cwd();
  const env = sources.env ?? process.env;
  const chosen = nonEmpty(sources.flag) ?? nonEmpty(env.PALISADE_HOME) ?? DEFAULT_STATE_DIR_NAME;
  return resolve(cwd, chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
