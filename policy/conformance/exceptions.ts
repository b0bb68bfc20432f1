/**
 * @module The hand-reviewed list of conformance cases the project knowingly fails, each with its reason
 * (policy/conformance/exceptions.yaml), validated with zod. Conformance layer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ExitCode } from '../../lib/errors.js';
import { PACKAGE_ROOT } from '../../lib/package-info.js';
import { PolicyError } from '../errors.js';

const ExceptionSchema = z.strictObject({
  /** The case's note, or a directory prefix ending in `/` for a whole directory. */
  note: z.string().min(1),
  reason: z.string().min(10),
  /** Which runs the exception applies to; absent = all. */
  modes: z.array(z.enum(['plans', 'frontend'])).optional(),
  targets: z.array(z.enum(['ir', 'wasm'])).optional(),
});

const FileSchema = z.strictObject({ exceptions: z.array(ExceptionSchema).default([]) });

export type ConformanceException = z.infer<typeof ExceptionSchema>;

/** Default location: policy/conformance/exceptions.yaml in the package (the same from source or dist/). */
export const EXCEPTIONS_PATH = join(PACKAGE_ROOT, 'policy', 'conformance', 'exceptions.yaml');

export function loadExceptions(path: string | URL): ConformanceException[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new PolicyError('ERR_POLICY_CONFORMANCE', `cannot read exceptions file ${String(path)}`, {
      cause,
      exitCode: ExitCode.usage,
    });
  }
  const parsed = FileSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    throw new PolicyError(
      'ERR_POLICY_CONFORMANCE',
      `invalid exceptions file ${String(path)}:\n${z.prettifyError(parsed.error)}`,
      { exitCode: ExitCode.usage },
    );
  }
  return parsed.data.exceptions;
}

/** The exception covering a case in this run, if any. */
export function findException(
  list: readonly ConformanceException[],
  note: string,
  mode: 'plans' | 'frontend',
  target: 'ir' | 'wasm',
): ConformanceException | undefined {
  return list.find(
    (e) =>
      (e.note === note || (e.note.endsWith('/') && note.startsWith(e.note))) &&
      (e.modes === undefined || e.modes.includes(mode)) &&
      (e.targets === undefined || e.targets.includes(target)),
  );
}
