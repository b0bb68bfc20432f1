import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { applyEnvOverrides, formatPath, loadConfigFile, parseConfigText } from '../../lib/config.js';
import { ConfigError } from '../../lib/errors.js';
import { PACKAGE_ROOT } from '../../lib/package-info.js';
import { tempDir } from '../helpers/tmp.js';

const schema = z.strictObject({
  name: z.string(),
  inbound: z.array(
    z.strictObject({ port: z.number().int().min(1).max(65535), protocol: z.enum(['http', 'tcp']) }),
  ),
  admin: z.strictObject({ port: z.number().int().default(15000) }).default({ port: 15000 }),
});

function problems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('config loader', () => {
  const cases = [
    {
      note: 'wrong type names file, path, expected and found',
      text: 'name: a\ninbound:\n  - port: "80"\n    protocol: http\n',
      want: [/^s\.yaml: inbound\[0\]\.port: expected number, received string \(found "80"\)$/],
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'missing field',
      text: 'inbound: []\n',
      want: [/^s\.yaml: name: missing required field \(expected string\)$/],
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'unknown field',
      text: 'name: a\ninbound:\n  - port: 80\n    protocol: http\n    prot: 1\n',
      want: [/^s\.yaml: inbound\[0\]\.prot: unknown field "prot"/],
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'bad enum value shows the allowed values',
      text: 'name: a\ninbound:\n  - port: 80\n    protocol: udp\n',
      want: [/^s\.yaml: inbound\[0\]\.protocol: .*"http".*"tcp".* \(found "udp"\)$/],
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'invalid YAML names line and column',
      text: 'name: a\ninbound: [\n  port: 1\n',
      want: [/^s\.yaml:\d+:\d+: invalid YAML: /],
      code: 'ERR_CONFIG_PARSE',
    },
    {
      note: 'duplicate keys are an error, not a silent overwrite',
      text: 'name: a\nname: b\ninbound: []\n',
      want: [/^s\.yaml:2:1: invalid YAML: .*[Uu]nique/],
      code: 'ERR_CONFIG_PARSE',
    },
  ];
  for (const c of cases) {
    test(c.note, () => {
      try {
        parseConfigText(c.text, 's.yaml', schema);
        assert.fail('expected an error');
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, c.code);
        assert.equal(err.problems.length, c.want.length, err.problems.join('\n'));
        for (const [i, re] of c.want.entries()) assert.match(err.problems[i] as string, re);
      }
    });
  }

  test('every problem is reported, not just the first', () => {
    const got = problems(() => parseConfigText('inbound:\n  - port: 0\n    protocol: x\n', 's.yaml', schema));
    assert.equal(got.length, 3, got.join('\n'));
  });

  test('valid config is typed, defaulted and frozen; JSON works too', () => {
    const cfg = parseConfigText(
      '{"name": "a", "inbound": [{"port": 80, "protocol": "tcp"}]}',
      'c.json',
      schema,
    );
    assert.equal(cfg.admin.port, 15000);
    assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.inbound[0]));
    assert.throws(() => {
      (cfg as { name: string }).name = 'b';
    }, TypeError);
  });

  test('environment overrides follow PREFIX + SEGMENT__SEGMENT and are typed as YAML scalars', () => {
    const env = { PALISADE_X__ADMIN__PORT: '9901', PALISADE_X__INBOUND__0__PORT: '8080', OTHER: '1' };
    const cfg = parseConfigText('name: a\ninbound:\n  - port: 80\n    protocol: http\n', 's.yaml', schema, {
      env,
      envPrefix: 'PALISADE_X__',
    });
    assert.equal(cfg.admin.port, 9901);
    assert.equal(cfg.inbound[0]?.port, 8080);
  });

  test('a bad override names the variable', () => {
    const got = problems(() =>
      applyEnvOverrides({ inbound: [] }, { PALISADE_X__INBOUND__5__PORT: '1' }, 'PALISADE_X__'),
    );
    assert.match(got[0] as string, /^PALISADE_X__INBOUND__5__PORT: "5" is not a valid index/);
    const again = problems(() =>
      applyEnvOverrides({ name: 'a' }, { PALISADE_X__NAME__SUB: '1' }, 'PALISADE_X__'),
    );
    assert.match(again[0] as string, /^PALISADE_X__NAME__SUB: cannot set a field inside a string/);
  });

  test('an override that makes the config invalid is reported like a file error', () => {
    const got = problems(() =>
      parseConfigText('name: a\ninbound: []\n', 's.yaml', schema, {
        env: { PALISADE_X__ADMIN__PORT: 'abc' },
        envPrefix: 'PALISADE_X__',
      }),
    );
    assert.match(got[0] as string, /admin\.port: expected number, received string \(found "abc"\)/);
  });

  test('a missing file names the file', async (t) => {
    const dir = await tempDir(t);
    await assert.rejects(loadConfigFile(join(dir, 'nope.yaml'), schema), (err: ConfigError) => {
      assert.equal(err.code, 'ERR_CONFIG_READ');
      assert.match(err.message, /nope\.yaml: cannot read config: no such file/);
      return true;
    });
  });

  test('formatPath renders user-facing paths', () => {
    assert.equal(formatPath(['inbound', 0, 'port']), 'inbound[0].port');
    assert.equal(formatPath([]), '(top level)');
  });

  test('a process given a bad config exits 2 with one clear message and writes nothing', async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'name: a\ninbound:\n  - port: "x"\n    protocol: http\n');
    const lib = (p: string) => pathToFileURL(join(PACKAGE_ROOT, 'dist', 'lib', p)).href;
    const script = `
      import { z } from 'zod';
      import { loadConfigFile } from '${lib('config.js')}';
      import { reportError } from '${lib('cli.js')}';
      const schema = z.strictObject({ name: z.string(), inbound: z.array(z.strictObject({ port: z.number(), protocol: z.string() })) });
      try { await loadConfigFile(process.argv[1], schema); } catch (e) { process.exitCode = reportError(e, { json: false }); }
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, file], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(
      run.stderr,
      `palisade: error [ERR_CONFIG_INVALID]: ${file}: inbound[0].port: expected number, received string (found "x")\n`,
    );
    assert.deepEqual(await readdir(dir), ['bad.yaml']);
  });
});
