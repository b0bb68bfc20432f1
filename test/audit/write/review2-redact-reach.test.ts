/**
 * @module Found in a second review: records that redact-reach.ts let skip pino's redaction although redacting
 * them changes their bytes. pino's redactor clones the objects a path walks through; an own `__proto__` member
 * (JSON.parse makes them) becomes the clone's prototype and leaves the output, and a hole in an array becomes
 * an own `undefined` that the path then censors. The skipping writer wrote the member (with whatever it holds)
 * and `null`, the redacting one neither.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { GENESIS_HASH, sealLine } from '../../../audit/chain.js';
import { createInputMasker } from '../../../audit/mask.js';
import { RECORD_TYPE, RECORD_VERSION } from '../../../audit/record.js';
import { RecordWriter } from '../../../audit/write/record-writer.js';
import { redactReach } from '../../../audit/write/redact-reach.js';

const CENSOR = '[redacted]';

/** The line pino writes for `record`, with or without the redact paths. */
function line(paths: string[], record: object, redact: boolean): string {
  let out = '';
  const logger = pino(
    {
      base: null,
      timestamp: false,
      formatters: { level: () => ({ type: RECORD_TYPE }) },
      ...(redact ? { redact: { paths, censor: CENSOR } } : {}),
    },
    { write: (s: string) => (out = s) },
  );
  logger.info(record);
  return out;
}

/** `[1, <hole>, 3]`, written so that the hole is plain (a literal hole reads as a typo). */
const holey = (): unknown[] => {
  const a: unknown[] = [1];
  a[2] = 3;
  return a;
};

const cases: Array<[string[], () => Record<string, unknown>]> = [
  [['request.ssn'], () => ({ request: JSON.parse('{"__proto__":{"ssn":"123-45-6789"},"a":1}') })],
  [['request.ssn'], () => ({ request: JSON.parse('{"__proto__":"x","a":1}') })],
  [['request.body.ssn'], () => ({ request: JSON.parse('{"body":{"__proto__":{"ssn":"1"}}}') })],
  [['request.items[1]'], () => ({ request: { items: holey() } })],
  [['request.items.1'], () => ({ request: { items: holey() } })],
];

test('a record no path reaches is written with the same bytes as by the redacting logger', () => {
  for (const [paths, record] of cases) {
    const redacted = line(paths, record(), true);
    if (!redactReach(paths)(record())) {
      assert.equal(line(paths, record(), false), redacted, `${paths} skipped redaction for ${redacted}`);
    }
  }
  // Still skipped: an ordinary miss, a path past the end of an array.
  assert.equal(redactReach(['request.ssn'])({ request: { a: 1 } }), false);
  assert.equal(redactReach(['request.items[3]'])({ request: { items: holey() } }), false);
});

test("the writer's line for a record holding a __proto__ member is the redacting logger's", () => {
  const paths = ['request.ssn'];
  const writer = new RecordWriter({
    writer: 'w',
    redactPaths: paths,
    censor: CENSOR,
    mask: createInputMasker([], CENSOR),
    chain: { seq: 0, hash: GENESIS_HASH },
  });
  const fields = { request: JSON.parse('{"__proto__":{"ssn":"123-45-6789"}}') };
  writer.internal('gap', 0, fields);
  const record = {
    v: RECORD_VERSION,
    seq: 1,
    ts: new Date(0).toISOString(),
    kind: 'gap',
    writer: 'w',
    ...fields,
  };
  assert.equal(writer.take(), sealLine(GENESIS_HASH, line(paths, record, true)).line);
});
