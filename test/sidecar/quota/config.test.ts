/**
 * Tests for the `quota:` config section: defaults, and errors naming the field.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseQuotaConfig } from '../../../sidecar/quota/config.js';

describe('quota config', () => {
  test('an empty section gets every default', () => {
    assert.deepEqual(parseQuotaConfig({}), {
      entrypoint: 'palisade/quota/limits',
      response_headers: true,
      local: { max_keys: 50_000, sweep_interval: 10_000 },
    });
  });

  test('global defaults, durations in milliseconds, frozen', () => {
    const c = parseQuotaConfig({ global: { redis: { url: 'redis://127.0.0.1:6379/0' }, timeout: '20ms' } });
    assert.deepEqual(c.global, {
      redis: { url: 'redis://127.0.0.1:6379/0' },
      timeout: 20,
      connect_timeout: 2_000,
      reconnect_max_delay: 2_000,
      key_prefix: 'palisade:quota:',
      replicas: 1,
      on_unavailable: 'local',
      time_source: 'redis',
    });
    assert.ok(Object.isFrozen(c.global));
  });

  test('the entrypoint is stored in slash form, whichever form was written', () => {
    assert.equal(parseQuotaConfig({ entrypoint: 'data.acme.rate.limits' }).entrypoint, 'acme/rate/limits');
    assert.equal(parseQuotaConfig({ entrypoint: 'acme/rate/limits' }).entrypoint, 'acme/rate/limits');
  });

  const bad: { note: string; value: unknown; message: RegExp }[] = [
    {
      note: 'a password in the URL is refused and not echoed',
      value: { global: { redis: { url: 'redis://:s3cret@10.0.0.1:6379' } } },
      message:
        /^quota: global\.redis\.url: must not contain a password \(it would show in \/config and logs\): use password_file$/,
    },
    {
      note: 'wrong scheme',
      value: { global: { redis: { url: 'http://x:1' } } },
      message: /global\.redis\.url: scheme must be redis: or rediss:$/,
    },
    {
      note: 'not a URL',
      value: { global: { redis: { url: 'nope' } } },
      message: /global\.redis\.url: expected a URL such as redis:\/\/127\.0\.0\.1:6379\/0$/,
    },
    {
      note: 'missing redis',
      value: { global: {} },
      message: /^quota: global\.redis: missing required field \(expected object\)$/,
    },
    {
      note: 'timeout out of range',
      value: { global: { redis: { url: 'redis://h:1' }, timeout: '10s' } },
      message: /global\.timeout: must be between 1ms and 5000ms \(found "10s"\)$/,
    },
    {
      note: 'bad duration',
      value: { global: { redis: { url: 'redis://h:1' }, timeout: 'soon' } },
      message: /global\.timeout: invalid duration "soon"/,
    },
    {
      note: 'replicas zero',
      value: { global: { redis: { url: 'redis://h:1' }, replicas: 0 } },
      message: /global\.replicas: Too small: expected number to be >=1 \(found 0\)$/,
    },
    {
      note: 'unknown on_unavailable',
      value: { global: { redis: { url: 'redis://h:1' }, on_unavailable: 'open' } },
      message: /global\.on_unavailable: .*"allow"\|"deny"\|"local"/,
    },
    {
      note: 'bad entrypoint',
      value: { entrypoint: 'palisade.quota' },
      message:
        /entrypoint: expected an entrypoint such as palisade\/quota\/limits \(found "palisade\.quota"\)$/,
    },
    {
      note: 'unknown field',
      value: { local: { max_key: 3 } },
      message: /local\.max_key: unknown field "max_key" \(not allowed here\)$/,
    },
  ];
  for (const c of bad) {
    test(`rejects: ${c.note}`, () => {
      assert.throws(
        () => parseQuotaConfig(c.value),
        (err: Error & { code?: string; exitCode?: number }) => {
          assert.equal(err.code, 'ERR_CONFIG_INVALID');
          assert.equal(err.exitCode, 2);
          assert.match(err.message, c.message);
          assert.doesNotMatch(err.message, /s3cret/);
          return true;
        },
      );
    });
  }
});
