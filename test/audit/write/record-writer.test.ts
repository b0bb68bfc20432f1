import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { GENESIS_HASH, sealLine } from '../../../audit/chain.js';
import type { AuditEvent } from '../../../audit/event.js';
import { ALWAYS_REDACTED_PATHS, createInputMasker } from '../../../audit/mask.js';
import { RECORD_TYPE, RECORD_VERSION } from '../../../audit/record.js';
import { RecordWriter } from '../../../audit/write/record-writer.js';
import { parseRedactPath, redactReach } from '../../../audit/write/redact-reach.js';
import { authzEvent, CALLER, WRITER } from '../log-fixture.js';

const CENSOR = '[redacted]';
const EXTRA_KEYS = ['x-api-key'];

/**
 * The writer as it was before its fast paths, kept as the oracle: the record built by a rest-destructure
 * and a spread, `ts` by `toISOString`, and every record serialized by the pino logger with the redact paths.
 */
function referenceLine(prev: string, seq: number, event: AuditEvent, at: number, paths: string[]): string {
  let body = '';
  const logger = pino(
    {
      base: null,
      timestamp: false,
      formatters: { level: () => ({ type: RECORD_TYPE }) },
      redact: { paths, censor: CENSOR },
    },
    { write: (s: string) => (body = s) },
  );
  const mask = createInputMasker(EXTRA_KEYS, CENSOR);
  const { ts: _ts, decision_id, kind, ...rest } = event as AuditEvent & { input?: unknown };
  const record: Record<string, unknown> = {
    v: RECORD_VERSION,
    seq,
    ts: new Date(at).toISOString(),
    kind,
    decision_id,
    writer: WRITER,
    ...rest,
  };
  record.v = RECORD_VERSION;
  record.seq = seq;
  record.writer = WRITER;
  if (rest.input !== undefined) record.input = mask(rest.input);
  logger.info(record);
  return sealLine(prev, body).line;
}

function writer(paths: string[]): RecordWriter {
  return new RecordWriter({
    writer: WRITER,
    redactPaths: paths,
    censor: CENSOR,
    mask: createInputMasker(EXTRA_KEYS, CENSOR),
    chain: { seq: 41, hash: GENESIS_HASH },
  });
}

/** Bypasses the event types: the writer takes whatever a caller (or JSON.parse) hands it. */
const loose = (e: Record<string, unknown>) => e as unknown as AuditEvent;

class Stamp {
  toJSON() {
    return 'stamp';
  }
}

const lone = '\ud800';
const EVENTS: [string, AuditEvent][] = [
  ['a sidecar authz event', authzEvent({ request_id: 'r-1', reason: 'allowed by palisade/authz/allow' })],
  [
    'a sidecar quota event',
    loose({
      kind: 'quota',
      request_id: 'r-2',
      decision: 'deny',
      reason: 'per-principal exceeded',
      source: { principal: CALLER, address: '10.0.0.7', port: 4000, mtls: true },
      destination: { service: 'orders', principal: WRITER, port: 8443 },
      request: { protocol: 'http2', method: 'POST', path: '/orders', host: 'orders' },
      quota: { name: 'per-principal', limit: 10, remaining: 0, window_ms: 1000 },
      status: 429,
      latency_us: 12,
    }),
  ],
  [
    'an identity event',
    loose({ kind: 'identity', decision: 'allow', action: 'issue', svid: { subject: CALLER, serial: 'ab' } }),
  ],
  [
    'request headers the redact paths match',
    authzEvent({
      request: {
        protocol: 'http1',
        headers: {
          authorization: 'Bearer s3cret',
          cookie: 'sid=1',
          'proxy-authorization': 'Basic x',
          accept: '*/*',
        },
      } as never,
    }),
  ],
  ['empty request headers', authzEvent({ request: { protocol: 'http1', headers: {} } as never })],
  [
    'an input with credentials to mask, at depth and in arrays',
    loose({
      ...authzEvent(),
      input: {
        headers: { Authorization: 'Bearer t', 'X-Api-Key': 'k', 'x-token': 't0k', accept: 'a' },
        users: [{ password: 'p', name: 'n' }, { cookie: 'c' }],
        parsed_body: { ssn: '123' },
      },
    }),
  ],
  [
    'unicode: emoji, a lone surrogate, controls, quotes, backslashes, a long string',
    authzEvent({
      reason: `deny 🚫 ${lone} "quoted" \\ back\u0001slash ${'x'.repeat(120)}`,
      request: { protocol: 'http1', path: `/ünï/${lone}/\u2028`, host: 'h\u0000' },
      request_id: '🚀',
      input: { '🔑': { cookie: 'c', [`k${lone}`]: 'v' }, 'ключ\u2029': [lone] },
    } as never),
  ],
  ['a lone surrogate as the whole request', loose({ ...authzEvent(), request: lone })],
  ['a string request', loose({ ...authzEvent(), request: 'GET /' })],
  ['a null request', loose({ ...authzEvent(), request: null })],
  ['a numeric source', loose({ ...authzEvent(), source: 7 })],
  ['an undefined request', loose({ ...authzEvent(), request: undefined, input: undefined })],
  [
    'envelope fields of its own',
    loose({
      v: 9,
      seq: 1,
      writer: 'spiffe://evil/ns/x/sa/y',
      ts: 5,
      type: 'not-audit',
      hash: 'f'.repeat(64),
      ...authzEvent(),
      decision_id: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
    }),
  ],
  [
    'an own __proto__ member, as JSON.parse makes it',
    loose(JSON.parse(`{"kind":"authz","decision":"deny","__proto__":{"polluted":true},"status":403}`)),
  ],
  ['a Date and a toJSON object under request', loose({ ...authzEvent(), request: new Date(0) })],
  [
    'a class instance with toJSON under a redacted member',
    loose({ ...authzEvent(), request: Object.assign(new Stamp(), { headers: { cookie: 'c' } }) }),
  ],
  [
    'a null-prototype request',
    loose({ ...authzEvent(), request: Object.assign(Object.create(null), { a: 1 }) }),
  ],
  ['an array input', loose({ ...authzEvent(), input: [{ authorization: 'x' }, 1, 'two', null] })],
];

const PATH_SETS: [string, string[]][] = [
  ['the built-in paths (a sidecar with no redact config)', [...ALWAYS_REDACTED_PATHS]],
  [
    'configured paths that match',
    [
      ...ALWAYS_REDACTED_PATHS,
      'request.path',
      'input.*.password',
      'input.headers["x-token"]',
      "source['address']",
      'policy.revision',
      'quota.limit',
      'svid[serial]',
    ],
  ],
  ['a top-level path and a top-level wildcard', [...ALWAYS_REDACTED_PATHS, 'reason', '*.principal']],
  ['a path outside the plain grammar', [...ALWAYS_REDACTED_PATHS, 'request[a.b]', 'request["a.b"]']],
];

describe('RecordWriter.decision writes the same line as the reference writer', () => {
  for (const [setName, paths] of PATH_SETS) {
    test(`with ${setName}`, () => {
      const w = writer(paths);
      let at = Date.parse('2026-11-24T10:00:59.998Z');
      for (const [name, event] of EVENTS) {
        const prev = w.chain.hash;
        const seq = w.chain.seq + 1;
        at += 1;
        w.decision(event, at);
        const line = w.take();
        const decisionId = /"decision_id":"([^"]*)"/.exec(line)?.[1];
        const withId = (
          event.decision_id === undefined ? { ...event, decision_id: decisionId } : event
        ) as AuditEvent;
        assert.equal(line, referenceLine(prev, seq, withId, at, paths), name);
      }
    });
  }

  test('the original event is left as it was (masking and redaction work on copies)', () => {
    const event = loose({
      ...authzEvent(),
      request: { protocol: 'http1', headers: { cookie: 'c' } },
      input: { authorization: 'a' },
    });
    const before = JSON.stringify(event);
    const w = writer([...ALWAYS_REDACTED_PATHS]);
    w.decision(event, 0);
    assert.equal(JSON.stringify(event), before);
    assert.match(w.take(), /"cookie":"\[redacted\]".*"authorization":"\[redacted\]"/);
  });
});

describe('redactReach', () => {
  const sidecarRecord = { v: 1, seq: 1, ts: 't', writer: WRITER, ...authzEvent() };

  test('no built-in path reaches a sidecar record: those records skip redaction', () => {
    assert.equal(redactReach(ALWAYS_REDACTED_PATHS)(sidecarRecord), false);
  });

  test('a path reaches a record holding every member it names', () => {
    const reach = redactReach(['request.headers["proxy-authorization"]']);
    assert.equal(reach({ request: { headers: { 'proxy-authorization': 'x' } } }), true);
    assert.equal(reach({ request: { headers: { cookie: 'x' } } }), false);
    assert.equal(reach({ request: { headers: 'text' } }), false);
  });

  test('errs towards redaction: wildcards, scalars at the top, objects that are not plain', () => {
    assert.equal(redactReach(['input.*.password'])({ input: {} }), true);
    assert.equal(redactReach(['request.path'])({ request: 'GET /' }), true);
    assert.equal(redactReach(['request.path'])({ request: null }), true);
    assert.equal(redactReach(['request.path'])({ request: new Date(0) }), true);
    assert.equal(redactReach(['request.path'])({}), false);
  });

  test('parses the plain path grammar the way pino reads it, and nothing else', () => {
    assert.deepEqual(parseRedactPath('request.headers.authorization'), [
      'request',
      'headers',
      'authorization',
    ]);
    assert.deepEqual(parseRedactPath('a["b.c"].d'), ['a', 'b.c', 'd']);
    assert.deepEqual(parseRedactPath("a['x-y'][0]"), ['a', 'x-y', '0']);
    assert.deepEqual(parseRedactPath('[*].b'), ['*', 'b']);
    for (const odd of ['', '.a', 'a.', 'a..b', 'a[b.c]', 'a[""]', 'a["b\']', 'a.`b`', 'a.["b"]']) {
      assert.equal(parseRedactPath(odd), null, odd);
    }
    assert.equal(redactReach(['a[b.c]'])({}), true, 'a path it cannot read always counts as reaching');
  });
});
