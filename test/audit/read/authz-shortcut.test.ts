import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPlainAuthzRecord } from '../../../audit/read/authz-shortcut.js';
import { authzRecordSchema } from '../../../audit/record.js';

const full = {
  type: 'audit',
  v: 1,
  seq: 7,
  ts: '2026-11-24T10:00:00.123Z',
  kind: 'authz',
  decision_id: '0b6b5c36-1c1a-4b8e-9a57-2c0d7f6f1a11',
  request_id: 'req-1',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  decision: 'deny',
  reason: 'no rule allows',
  source: { principal: 'spiffe://m/cart', address: '10.0.0.7', port: 5000, mtls: true },
  destination: { service: 'orders', principal: 'spiffe://m/orders', port: 8443 },
  request: { protocol: 'http2', method: 'GET', path: '/orders/1', host: 'orders' },
  policy: { entrypoint: 'palisade/authz/allow', revision: 'sha256:ab' },
  status: 403,
  latency_us: 87.5,
  input: { attributes: { request: { http: { headers: { authorization: '[redacted]' } } } } },
  writer: 'spiffe://m/orders-sidecar',
  hash: 'ab'.repeat(32),
};
const minimal = {
  type: 'audit',
  v: 1,
  seq: 1,
  ts: '2026-11-24T10:00:00.000Z',
  kind: 'authz',
  decision_id: 'd',
  decision: 'allow',
  source: { principal: null, mtls: false },
  destination: { service: 'orders' },
  request: { protocol: 'tcp' },
  writer: '',
  hash: '0'.repeat(64),
};

type Json = Record<string, unknown>;
const clone = (v: Json): Json => JSON.parse(JSON.stringify(v));

/** Every object path of `v` (the record itself is []). */
function objectPaths(v: Json, at: string[] = []): string[][] {
  const out = [at];
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'object' && x !== null && !Array.isArray(x))
      out.push(...objectPaths(x as Json, [...at, k]));
  }
  return out;
}
function leafPaths(v: Json, at: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, x] of Object.entries(v)) {
    out.push([...at, k]);
    if (typeof x === 'object' && x !== null && !Array.isArray(x))
      out.push(...leafPaths(x as Json, [...at, k]));
  }
  return out;
}
function at(v: Json, path: string[]): Json {
  return path.reduce((o, k) => o[k] as Json, v);
}

/** Values that break a field one way or another (or happen to be fine for it). */
const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'authz',
  'audit',
  'allow',
  'tcp',
  0,
  1,
  -1,
  1.5,
  65_535,
  65_536,
  2 ** 53,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  true,
  false,
  {},
  [],
  '2026-02-29T10:00:00.000Z',
  '2026-11-24T10:00:00Z',
  '2026-11-24T24:00:00.000Z',
  'AB'.repeat(32),
  'ab'.repeat(31),
  '4BF92F3577B34DA6A3CE929D0E0E4736',
  // Just outside the hex digits: '/' ':' '`' 'g'.
  `${'a'.repeat(63)}/`,
  `${'a'.repeat(63)}:`,
  `${'a'.repeat(63)}\``,
  `${'a'.repeat(63)}g`,
];

describe('isPlainAuthzRecord: a shortcut that never accepts what authzRecordSchema rejects', () => {
  test('accepts the records the writer lays out, full and minimal', () => {
    for (const r of [full, minimal]) {
      assert.equal(authzRecordSchema.safeParse(r).success, true);
      assert.equal(isPlainAuthzRecord(clone(r)), true);
    }
  });

  test('every field replaced, removed or added to: accepted only if zod accepts', () => {
    let cases = 0;
    let accepted = 0;
    for (const base of [full, minimal]) {
      const check = (v: Json, what: string) => {
        cases += 1;
        if (!isPlainAuthzRecord(v)) return;
        accepted += 1;
        const z = authzRecordSchema.safeParse(v);
        assert.equal(z.success, true, `shortcut accepted what zod rejects: ${what}: ${z.error?.message}`);
      };
      for (const path of leafPaths(base)) {
        for (const value of REPLACEMENTS) {
          const v = clone(base);
          const parent = at(v, path.slice(0, -1));
          const key = path.at(-1) as string;
          if (value === undefined) delete parent[key];
          else parent[key] = value;
          check(v, `${path.join('.')} = ${String(value)}`);
        }
      }
      for (const path of objectPaths(base)) {
        for (const extra of ['extra', 'kind', 'hash', 'mtls', 'toString']) {
          const v = clone(base);
          const o = at(v, path);
          if (extra in o && Object.hasOwn(o, extra)) continue;
          o[extra] = 'x';
          check(v, `extra member ${[...path, extra].join('.')}`);
        }
        const v = clone(base);
        const line = JSON.stringify(v).replace(/^\{/, '{"__proto__":{"x":1},');
        if (path.length === 0) check(JSON.parse(line), 'an own __proto__ member');
      }
    }
    // The shortcut must also say yes often enough to be worth having: most harmless edits keep it valid.
    assert.ok(cases > 1000, `${cases} cases`);
    assert.ok(accepted > 100, `${accepted} accepted`);
  });

  test('other kinds and non-objects: not sure (zod decides)', () => {
    for (const v of [null, [], 'x', 1, { ...clone(full), kind: 'quota' }, { ...clone(full), v: 2 }]) {
      assert.equal(isPlainAuthzRecord(v), false);
    }
  });
});
