import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createLogger, parseLogLevel } from '../../lib/logger.js';

test('JSON lines with the level and name, credentials redacted', () => {
  const sink = new PassThrough();
  const lines: string[] = [];
  sink.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
  const log = createLogger({ level: 'debug', name: 'citadel', pretty: false, destination: sink });
  log.info({ headers: { authorization: 'Bearer x' }, token: 'abc' }, 'issued');
  log.trace('hidden');
  sink.end();
  assert.equal(lines.length, 1);
  const rec = JSON.parse(lines[0] as string) as Record<string, unknown>;
  assert.equal(rec.name, 'citadel');
  assert.equal(rec.msg, 'issued');
  assert.equal((rec.headers as Record<string, unknown>).authorization, '[redacted]');
  assert.equal(rec.token, '[redacted]');
});

test('parseLogLevel names the source of a bad level', () => {
  assert.equal(parseLogLevel('DEBUG', '--log-level'), 'debug');
  assert.equal(parseLogLevel(undefined, 'x'), undefined);
  assert.throws(
    () => parseLogLevel('loud', 'PALISADE_LOG_LEVEL'),
    /PALISADE_LOG_LEVEL: unknown log level "loud"/,
  );
});
