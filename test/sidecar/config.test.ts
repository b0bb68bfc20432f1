/**
 * @module Sidecar config validation: each bad field is named with its path, the CLI exits 2.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSidecarConfig } from '../../sidecar/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const base = { identity: { spiffe_id: 'spiffe://palisade.local/ns/demo/sa/orders', dir: 'svid' } };

test('invalid configs name the field', () => {
  const cases = [
    {
      note: 'port out of range',
      config: { ...base, inbound: [{ port: 70000, protocol: 'http', app: '127.0.0.1:8080' }] },
      want: /inbound\[0\]\.port: /,
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'unknown protocol',
      config: { ...base, inbound: [{ port: 1, protocol: 'udp', app: '127.0.0.1:8080' }] },
      want: /inbound\[0\]\.protocol: /,
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'app without port',
      config: { ...base, inbound: [{ port: 1, protocol: 'http', app: 'localhost' }] },
      want: /inbound\[0\]\.app: expected HOST:PORT/,
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'bad upstream identity',
      config: {
        ...base,
        outbound: [{ port: 1, service: 'x', address: '127.0.0.1:2', identity: 'https://x' }],
      },
      want: /outbound\[0\]\.identity: must be a SPIFFE ID/,
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'unknown field',
      config: { ...base, inbound: [{ port: 1, protocol: 'http', app: '127.0.0.1:1', mtsl: 'strict' }] },
      want: /inbound\[0\]\.mtsl: unknown field/,
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'bad duration',
      config: { ...base, policy: { bundle: 'p', timeout: 'soon' } },
      want: /policy\.timeout: invalid duration/,
      code: 'ERR_CONFIG_INVALID',
    },
    {
      note: 'port used twice',
      config: {
        ...base,
        inbound: [{ port: 15006, protocol: 'http', app: '127.0.0.1:1' }],
        outbound: [
          { port: 15006, service: 'x', address: '127.0.0.1:2', identity: 'spiffe://palisade.local/x' },
        ],
      },
      want: /outbound\[0\]\.port: port 15006 is already used by inbound\[0\]\.port/,
      code: 'ERR_SIDECAR_CONFIG',
    },
  ];
  for (const c of cases) {
    assert.throws(
      () => parseSidecarConfig(c.config, 'sidecar.yaml'),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, c.code, c.note);
        assert.match(err.message, c.want, c.note);
        return true;
      },
    );
  }
});

test('defaults are filled in and the result is frozen', () => {
  const config = parseSidecarConfig({
    ...base,
    inbound: [{ port: 15006, protocol: 'http', app: '127.0.0.1:8080' }],
  });
  assert.equal(config.inbound[0]?.mtls, 'strict');
  assert.equal(config.inbound[0]?.tls_min_version, 'TLSv1.3');
  assert.deepEqual(config.inbound[0]?.app, { host: '127.0.0.1', port: 8080 });
  assert.equal(config.admin.bind, '127.0.0.1');
  assert.ok(Object.isFrozen(config.inbound[0]));
});

test('palisade sidecar run exits 2 naming the field', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'sidecar.yaml');
  await writeFile(
    file,
    'identity: {spiffe_id: "spiffe://palisade.local/ns/demo/sa/o", dir: svid}\ninbound:\n  - {port: -1, protocol: http, app: "127.0.0.1:1"}\n',
  );
  const r = await runCli(['sidecar', 'run', '--config', file], { timeoutMs: 180_000 });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ERR_CONFIG_INVALID/);
  assert.match(r.stderr, /inbound\[0\]\.port/);
});

test('the quota section is validated with the field path; absent means no quota', async () => {
  const base = { identity: { spiffe_id: 'spiffe://palisade.local/ns/demo/sa/o', dir: 'svid' } };
  assert.equal(parseSidecarConfig(base).quota, undefined);
  const config = parseSidecarConfig({ ...base, quota: { entrypoint: 'data.palisade.quota.limits' } });
  assert.equal(config.quota?.entrypoint, 'palisade/quota/limits');
  assert.throws(
    () =>
      parseSidecarConfig({
        ...base,
        quota: { global: { redis: { url: 'redis://:secret@127.0.0.1:6379' } } },
      }),
    (err: Error) => /quota\.global\.redis\.url/.test(err.message) && !err.message.includes('secret'),
  );
  const r = await runCli(['sidecar', 'decision-module', '--quota', 'data.palisade.quota.limits']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^package palisade_sidecar$/m);
  assert.match(
    r.stdout,
    /decision\["limits"\] := x if \{\n\tdata\.palisade\.authz\.allow == true\n\tx := data\.palisade\.quota\.limits\n\}/,
  );
  const bad = await runCli(['sidecar', 'decision-module', '--quota', 'not a rule']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /decision entrypoint limits: "not a rule"/);
});
