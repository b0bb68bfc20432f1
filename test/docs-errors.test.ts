/**
 * Every error code thrown in the source must be documented in docs/errors.md (and nothing documented
 * may be stale), so operators can look up any code they see.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../lib/package-info.js';

const SOURCE_DIRS = ['lib', 'bin', 'citadel', 'policy', 'sidecar', 'audit'];
// Palisade's own namespaces; Node's codes (ERR_HTTP_REQUEST_TIMEOUT, …) are matched in places but are not ours.
const CODE = /['"`](ERR_(?:USAGE|INTERNAL|CONFIG|CITADEL|POLICY|SIDECAR|AUDIT|QUOTA)(?:_[A-Z0-9_]*)?)['"`]/g;

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('docs/errors.md lists every ERR_ code used in the source, and only those', () => {
  const used = new Set<string>();
  for (const dir of SOURCE_DIRS) {
    for (const file of sourceFiles(join(PACKAGE_ROOT, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(CODE)) {
        // A prefix such as 'ERR_CITADEL_' (codes built from a template) is not a code of its own.
        if (!(m[1] as string).endsWith('_')) used.add(m[1] as string);
      }
    }
  }
  const doc = readFileSync(join(PACKAGE_ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `(ERR_[A-Z0-9_]+)`/gm)].map((m) => m[1] as string));
  const missing = [...used].filter((c) => !documented.has(c)).sort();
  const stale = [...documented].filter((c) => !used.has(c)).sort();
  assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
  assert.deepEqual(stale, [], `codes in docs/errors.md no longer used: ${stale.join(', ')}`);
});
