import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditConfigSchema, parseSize } from '../../audit/index.js';
import { parseConfigText } from '../../lib/config.js';

describe('auditConfigSchema', () => {
  test('an empty section is a complete config with safe defaults (block mode, keep everything)', () => {
    const c = parseConfigText('{}', 'sidecar.yaml', auditConfigSchema);
    assert.equal(c.mode, 'block');
    assert.equal(c.directory, 'audit');
    assert.equal(c.flush_interval, 1000);
    assert.equal(c.batch_delay, 20);
    assert.deepEqual(c.checkpoint, { every_records: 10_000, interval: 10_000 });
    assert.deepEqual(c.rotation, { max_bytes: 64 * 1024 ** 2, max_age: 86_400_000, compress: true });
    assert.deepEqual(c.retention, { max_files: null, max_age: null });
    assert.deepEqual(c.redact, { paths: [], keys: [], censor: '[redacted]' });
    assert.ok(Object.isFrozen(c.rotation));
  });

  test('durations and sizes are read in human units', () => {
    const c = parseConfigText(
      'mode: drop\ncheckpoint: {every_records: 500, interval: 30s}\nrotation: {max_bytes: 16MiB, max_age: 6h}\nretention: {max_files: 10, max_age: 90d}',
      'sidecar.yaml',
      auditConfigSchema,
    );
    assert.equal(c.mode, 'drop');
    assert.equal(c.checkpoint.interval, 30_000);
    assert.equal(c.rotation.max_bytes, 16 * 1024 ** 2);
    assert.equal(c.rotation.max_age, 6 * 3_600_000);
    assert.deepEqual(c.retention, { max_files: 10, max_age: 90 * 86_400_000 });
  });

  const bad = [
    { note: 'unknown mode', yaml: 'mode: maybe', want: /sidecar.yaml: mode: .*"block".*"drop"/ },
    {
      note: 'size with a bad unit',
      yaml: 'rotation: {max_bytes: 12 parsecs}',
      want: /rotation.max_bytes: invalid size "12 parsecs"/,
    },
    {
      note: 'size below the floor',
      yaml: 'rotation: {max_bytes: 100}',
      want: /rotation.max_bytes: must be at least 4096 bytes/,
    },
    {
      note: 'bad duration',
      yaml: 'checkpoint: {interval: soon}',
      want: /checkpoint.interval: invalid duration "soon"/,
    },
    { note: 'typo in a field name', yaml: 'rotaton: {}', want: /rotaton: unknown field "rotaton"/ },
    {
      note: 'retention of one file would remove the file being written',
      yaml: 'retention: {max_files: 1}',
      want: /retention.max_files/,
    },
    { note: 'tiny buffer', yaml: 'buffer_records: 2', want: /buffer_records/ },
    {
      note: 'a redact path pino cannot use',
      yaml: 'redact: {paths: [ok.path, "bad..path"]}',
      want: /redact.paths\[1\]: not a valid redact path: "bad..path"/,
    },
  ];
  for (const c of bad) {
    test(`rejects ${c.note}, naming the field`, () => {
      assert.throws(
        () => parseConfigText(c.yaml, 'sidecar.yaml', auditConfigSchema),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'ERR_CONFIG_INVALID');
          assert.match(err.message, c.want);
          return true;
        },
      );
    });
  }

  test('parseSize', () => {
    assert.equal(parseSize('1048576'), 1_048_576);
    assert.equal(parseSize('500KB'), 500_000);
    assert.equal(parseSize('1.5 GiB'), 1.5 * 1024 ** 3);
    assert.throws(() => parseSize('lots'), /invalid size "lots"/);
  });
});
