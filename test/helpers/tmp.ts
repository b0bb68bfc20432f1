/**
 * @module Temporary directories for tests, removed when the test ends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh directory under the OS temp dir, deleted after the test (or suite) finishes. */
export async function tempDir(t: Pick<TestContext, 'after'>, prefix = 'palisade-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
