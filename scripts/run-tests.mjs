#!/usr/bin/env node
// Runs every compiled test file under dist/test with Node's built-in runner.
// Node 20 takes no glob arguments for --test, so the file list is built here.
// Extra arguments are passed through (e.g. `node scripts/run-tests.mjs --test-name-pattern=config`),
// and a path filter may be given with TEST_FILTER (a substring of the file path).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filter = process.env.TEST_FILTER ?? '';
const files = find('dist/test')
  .filter((f) => f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`run-tests: no test files under dist/test${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(2), ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
