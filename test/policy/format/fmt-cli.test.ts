/**
 * @module `palisade policy fmt` end to end: --check fails on unformatted files, --write fixes them,
 * --diff prints the change, parse errors exit 1 with positions, --v0-v1 converts Rego v0 to v1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../helpers/cli.js';

describe('palisade policy fmt', () => {
  it('checks, diffs and writes', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rego-fmt-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'a.rego');
    writeFileSync(file, 'package a\nallow   if {input.x==1}\n');
    const check = await runCli(['policy', 'fmt', '--check', dir]);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /a\.rego: not formatted/);
    const diff = await runCli(['policy', 'fmt', '--diff', file]);
    assert.equal(diff.code, 0);
    assert.match(diff.stdout, /^\+allow if input\.x == 1$/m);
    const write = await runCli(['policy', 'fmt', '--write', file]);
    assert.equal(write.code, 0);
    assert.equal(readFileSync(file, 'utf8'), 'package a\n\nallow if input.x == 1\n');
    const again = await runCli(['policy', 'fmt', '--check', file]);
    assert.equal(again.code, 0);
  });
  it('reports parse errors with positions and exits 1', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rego-fmt-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'bad.rego'), 'package a\n\np := [\n');
    const r = await runCli(['policy', 'fmt', join(dir, 'bad.rego')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /bad\.rego:\d+:\d+: rego_parse_error/);
  });
  it('--v0-v1 rewrites Rego v0 as Rego v1, and refuses deprecated builtins with positions', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rego-fmt-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const ok = join(dir, 'ok.rego');
    writeFileSync(ok, 'package a\nallow { input.x == 1 }\n');
    const write = await runCli(['policy', 'fmt', '--v0-v1', '--write', ok]);
    assert.equal(write.code, 0, write.stdout + write.stderr);
    assert.equal(readFileSync(ok, 'utf8'), 'package a\n\nimport rego.v1\n\nallow if input.x == 1\n');
    const bad = join(dir, 'bad.rego');
    writeFileSync(bad, 'package a\nallow { re_match("^a", input.s) }\n');
    const r = await runCli(['policy', 'fmt', '--v0-v1', '--write', bad]);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /bad\.rego:2:9: rego_type_error: deprecated built-in function calls in expression: re_match/,
    );
    assert.equal(
      readFileSync(bad, 'utf8'),
      'package a\nallow { re_match("^a", input.s) }\n',
      'left as it was',
    );
  });
  it('rejects conflicting modes as a usage error', async () => {
    const r = await runCli(['policy', 'fmt', '--check', '--write', 'x.rego']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ERR_USAGE/);
  });
});
