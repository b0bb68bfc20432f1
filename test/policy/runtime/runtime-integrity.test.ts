/**
 * @module Integrity of the committed runtime: rebuilding policy/runtime/assembly gives byte-for-byte the
 * committed policy/runtime/runtime.wasm (a stale artefact fails here, not in production).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../../helpers/tmp.js';

// from test/policy/runtime (source) or dist/test/policy/runtime (compiled), find the repository root
const here = fileURLToPath(new URL('.', import.meta.url));
const root = here.includes('/dist/') ? join(here, '../../../../') : join(here, '../../../');

it('policy/runtime/runtime.wasm is what build-runtime.mjs produces from the source', async (t) => {
  const dir = await tempDir(t);
  const out = join(dir, 'runtime.wasm');
  await promisify(execFile)(process.execPath, [join(root, 'policy/runtime/build-runtime.mjs'), out], {
    timeout: 240_000,
  });
  const rebuilt = await readFile(out);
  const committed = await readFile(join(root, 'policy/runtime/runtime.wasm'));
  assert.ok(rebuilt.equals(committed), 'runtime.wasm is stale: run `npm run build:runtime` and commit it');
});
