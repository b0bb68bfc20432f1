/**
 * @module Tests for `palisade policy build` and `palisade policy verify-bundle`, run as real processes.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readBundle } from '../../../policy/wasm/index.js';
import { runCli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/tmp.js';

const POLICY = 'package authz\nimport rego.v1\ndefault allow := false\nallow if input.user in data.admins\n';

describe('policy build / verify-bundle', () => {
  it('builds a signed bundle from Rego and data, and verifies it', async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'authz.rego'), POLICY);
    await writeFile(join(dir, 'src', 'data.json'), JSON.stringify({ admins: ['alice'] }));
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(join(dir, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const out = join(dir, 'b.tar.gz');

    const build = await runCli(
      [
        '--json',
        'policy',
        'build',
        join(dir, 'src'),
        '-e',
        'authz/allow',
        '-o',
        out,
        '--signing-key',
        join(dir, 'key.pem'),
      ],
      { timeoutMs: 240_000 },
    );
    assert.equal(build.code, 0, build.stderr);
    const report = JSON.parse(build.stdout) as { entrypoints: Record<string, number>; signed: boolean };
    assert.deepEqual(report.entrypoints, { 'authz/allow': 0 });
    assert.equal(report.signed, true);
    const bundle = await readBundle(await readFile(out));
    assert.deepEqual(bundle.data, { admins: ['alice'] });

    const ok = await runCli(['policy', 'verify-bundle', out, '--verification-key', join(dir, 'pub.pem')], {
      timeoutMs: 240_000,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /signature OK \(3 files\); entrypoints: authz\/allow/);

    const { publicKey: other } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(join(dir, 'other.pem'), other.export({ type: 'spki', format: 'pem' }));
    const bad = await runCli(['policy', 'verify-bundle', out, '--verification-key', join(dir, 'other.pem')], {
      timeoutMs: 240_000,
    });
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /^palisade: error \[ERR_POLICY_BUNDLE_SIGNATURE\]: bundle signature does not verify/,
    );
  });

  it('builds from an OPA plan file without the front end', async (t) => {
    const dir = await tempDir(t);
    const plan = {
      static: { strings: [{ value: 'result' }, { value: 'ok' }] },
      plans: {
        plans: [
          {
            name: 'demo/x',
            blocks: [
              {
                stmts: [
                  { type: 'MakeObjectStmt', stmt: { target: 2, file: 0, row: 1, col: 1 } },
                  {
                    type: 'ObjectInsertStmt',
                    stmt: {
                      object: 2,
                      key: { type: 'string_index', value: 0 },
                      value: { type: 'string_index', value: 1 },
                      file: 0,
                      row: 1,
                      col: 1,
                    },
                  },
                  { type: 'ResultSetAddStmt', stmt: { value: 2, file: 0, row: 1, col: 1 } },
                ],
              },
            ],
          },
        ],
      },
    };
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
    const out = join(dir, 'p.tar.gz');
    const r = await runCli(['policy', 'build', '--from-plan', join(dir, 'plan.json'), '-o', out], {
      timeoutMs: 240_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /entrypoints: demo\/x/);
    const bundle = await readBundle(await readFile(out));
    assert.deepEqual(bundle.manifest.wasm, [{ entrypoint: 'demo/x', module: '/policy.wasm' }]);
  });

  const usage: { note: string; args: (dir: string) => string[]; code: number; message: RegExp }[] = [
    {
      note: 'no entrypoint',
      args: (d) => ['policy', 'build', d],
      code: 2,
      message: /ERR_POLICY_BUILD\]: give at least one entrypoint/,
    },
    {
      note: 'missing directory',
      args: (d) => ['policy', 'build', join(d, 'nope'), '-e', 'a/b'],
      code: 2,
      message: /ERR_POLICY_BUILD\]: cannot read .*nope: ENOENT/,
    },
    {
      note: 'plan that is not a plan',
      args: (d) => ['policy', 'build', '--from-plan', join(d, 'bad.json')],
      code: 2,
      message:
        /ERR_POLICY_PLAN_INVALID\]:\n\s+.*bad\.json is not a plan document:\n.*expected string, received number\n\s+→ at plans\.plans\[0\]\.name/,
    },
    {
      note: 'Rego that does not compile',
      args: (d) => ['policy', 'build', join(d, 'broken.rego'), '-e', 'x/y'],
      code: 1,
      message: /ERR_POLICY_BUILD\]:\n\s+1 error\(s\) occurred/,
    },
  ];
  for (const c of usage) {
    it(`fails cleanly: ${c.note}`, async (t) => {
      const dir = await tempDir(t);
      await writeFile(join(dir, 'bad.json'), '{"plans": {"plans": [{"name": 3}]}}');
      await writeFile(join(dir, 'broken.rego'), 'package x\ny := \n');
      const r = await runCli(c.args(dir), { timeoutMs: 240_000 });
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.message);
    });
  }
});
