/**
 * Tests for the Rego contract's edge: what a quota entrypoint may return, and the errors for what it may not.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseLimits } from '../../../sidecar/quota/limit.js';

const SRC = 'data.palisade.quota.limits';
const ok = {
  name: 'orders',
  key: 'spiffe://example.org/ns/a/sa/b',
  limit: 100,
  window: '1m',
  scope: 'global',
};

describe('parseLimits', () => {
  const valid = [
    {
      note: 'minimal global limit, cost defaults to 1',
      value: [ok],
      want: [{ ...ok, window: undefined, windowSeconds: 60, cost: 1 }],
    },
    { note: 'empty set: no limit applies', value: [], want: [] },
    {
      note: 'window in whole seconds, explicit cost and on_unavailable',
      value: [
        {
          name: 'svc',
          key: 'orders',
          limit: 10_000,
          window: 1,
          cost: 3,
          scope: 'local',
          on_unavailable: 'deny',
        },
      ],
      want: [
        {
          name: 'svc',
          key: 'orders',
          limit: 10_000,
          windowSeconds: 1,
          cost: 3,
          scope: 'local',
          onUnavailable: 'deny',
        },
      ],
    },
    {
      note: 'cost 0 only reports the limit',
      value: [{ ...ok, cost: 0, window: '1h30m' }],
      want: [{ ...ok, window: undefined, windowSeconds: 5400, cost: 0 }],
    },
  ];
  for (const c of valid) {
    test(`accepts: ${c.note}`, () => {
      const got = parseLimits(c.value, SRC).map((l) => ({ ...l }));
      assert.deepEqual(
        got,
        c.want.map((w) => Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined))),
      );
    });
  }

  test('returned limits are frozen', () => {
    const [l] = parseLimits([ok], SRC);
    assert.ok(Object.isFrozen(l));
  });

  const invalid: { note: string; value: unknown; message: RegExp }[] = [
    {
      note: 'undefined entrypoint (rule missing)',
      value: undefined,
      message: /^data\.palisade\.quota\.limits is undefined: define it as a set/,
    },
    {
      note: 'an object instead of a set',
      value: { a: 1 },
      message: /^data\.palisade\.quota\.limits: expected a set or array of limits \(found an object\)$/,
    },
    { note: 'a boolean', value: true, message: /found a boolean/ },
    {
      note: 'element not an object',
      value: ['x'],
      message: /limit #0: \(top level\): expected object, received string \(found "x"\)$/,
    },
    {
      note: 'missing key names limit and field',
      value: [{ ...ok, key: undefined }],
      message:
        /^data\.palisade\.quota\.limits: limit "orders" \(#0\): key: missing required field \(expected string\)$/,
    },
    {
      note: 'empty key',
      value: [{ ...ok, key: '' }],
      message: /limit "orders" \(#0\): key: must not be empty \(found ""\)$/,
    },
    {
      note: 'key too long',
      value: [{ ...ok, key: 'k'.repeat(513) }],
      message: /key: longer than 512 characters/,
    },
    {
      note: 'bad window text',
      value: [{ ...ok, window: 'fast' }],
      message: /limit "orders" \(#0\): window: invalid duration "fast"/,
    },
    {
      note: 'sub-second window',
      value: [{ ...ok, window: '1500ms' }],
      message: /window: window must be a whole number of seconds$/,
    },
    {
      note: 'window zero seconds',
      value: [{ ...ok, window: 0 }],
      message: /window: must be at least 1 second \(found 0\)$/,
    },
    {
      note: 'window above 31 days',
      value: [{ ...ok, window: '32d' }],
      message: /window: window must be at most 31d/,
    },
    {
      note: 'fractional limit',
      value: [{ ...ok, limit: 1.5 }],
      message: /limit "orders" \(#0\): limit: must be a whole number \(found 1\.5\)$/,
    },
    {
      note: 'zero limit',
      value: [{ ...ok, limit: 0 }],
      message: /limit: Too small: expected number to be >=1 \(found 0\)$/,
    },
    {
      note: 'limit as string',
      value: [{ ...ok, limit: '100' }],
      message: /limit: expected number, received string \(found "100"\)$/,
    },
    {
      note: 'unknown scope',
      value: [{ ...ok, scope: 'cluster' }],
      message: /scope: expected one of "local"\|"global" \(found "cluster"\)$/,
    },
    {
      note: 'unknown on_unavailable',
      value: [{ ...ok, on_unavailable: 'maybe' }],
      message: /on_unavailable: expected one of "allow"\|"deny"\|"local"/,
    },
    {
      note: 'typo field is unknown',
      value: [{ ...ok, windw: '1m' }],
      message: /limit "orders" \(#0\): windw: unknown field \(not in the contract\)$/,
    },
    {
      note: 'cost above limit can never pass',
      value: [{ ...ok, limit: 3, cost: 5 }],
      message: /cost: 5 exceeds limit 3: the request could never be admitted$/,
    },
    {
      note: 'bad name alphabet',
      value: [{ ...ok, name: 'a b' }],
      message: /limit "a b" \(#0\): name: expected 1-63 characters/,
    },
    {
      note: 'duplicate names',
      value: [ok, { ...ok, key: 'other' }],
      message: /limit "orders" \(#1\): name: "orders" is returned twice/,
    },
    {
      note: 'too many limits',
      value: Array.from({ length: 33 }, (_, i) => ({ ...ok, name: `l${i}` })),
      message: /33 limits apply to one request \(at most 32\)$/,
    },
  ];
  for (const c of invalid) {
    test(`rejects: ${c.note}`, () => {
      assert.throws(
        () => parseLimits(c.value, SRC),
        (err: Error & { code?: string; exitCode?: number }) => {
          assert.equal(err.code, 'ERR_QUOTA_LIMIT_INVALID');
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  test('the verdict cache never lets a bad limit through', () => {
    assert.equal(parseLimits([ok], SRC).length, 1); // its verdict is now cached
    const bad = [
      { ...ok, key: '' },
      { ...ok, key: 5 },
      { ...ok, key: 'k'.repeat(513) },
      { ...ok, extra: 1 },
      { ...ok, cost: '1' },
      { ...ok, limit: 0 },
      { ...ok, window: '60' },
      { ...ok, on_unavailable: 'open' },
    ];
    for (const b of bad) {
      assert.throws(
        () => parseLimits([b], SRC),
        { code: 'ERR_QUOTA_LIMIT_INVALID' },
        JSON.stringify(b).slice(0, 80),
      );
    }
    const [other] = parseLimits([{ ...ok, key: 'another' }], SRC);
    assert.equal(other?.key, 'another');
    assert.equal(other?.windowSeconds, 60);
    assert.ok(Object.isFrozen(other));
  });

  test('a returning key gets the same frozen limit; another key or other fields get their own', () => {
    const [first] = parseLimits([{ ...ok }], SRC);
    const [again] = parseLimits([{ ...ok }], SRC);
    assert.equal(again, first, 'the same object: nothing allocated for a caller seen before');
    const [other] = parseLimits([{ ...ok, key: 'spiffe://example.org/ns/a/sa/c' }], SRC);
    assert.notEqual(other, first);
    assert.equal(other?.key, 'spiffe://example.org/ns/a/sa/c');
    const [bigger] = parseLimits([{ ...ok, limit: 200 }], SRC);
    assert.equal(bigger?.limit, 200);
    assert.equal(first?.limit, 100, 'a cached limit is never changed in place');
  });

  test('a flood of one-off keys still validates every limit (the per-key cache is bounded)', () => {
    for (let i = 0; i < 20_000; i++) {
      const key = `caller-${i}`;
      const [l] = parseLimits([{ ...ok, key }], SRC);
      assert.equal(l?.key, key);
      assert.equal(l?.windowSeconds, 60);
    }
    const [l] = parseLimits([{ ...ok, key: 'caller-3' }], SRC);
    const { window: _window, ...rest } = ok;
    assert.deepEqual({ ...l }, { ...rest, windowSeconds: 60, cost: 1, key: 'caller-3' });
  });

  test('every problem is reported, one line each, for every limit', () => {
    assert.throws(
      () =>
        parseLimits(
          [
            { ...ok, limit: -1 },
            { ...ok, name: 'b', scope: 'x', window: 'y' },
          ],
          SRC,
        ),
      (err: Error) => {
        const lines = err.message.split('\n');
        assert.equal(lines.length, 3);
        assert.match(lines[0] ?? '', /"orders" \(#0\): limit:/);
        assert.match(lines[1] ?? '', /"b" \(#1\): window:/);
        assert.match(lines[2] ?? '', /"b" \(#1\): scope:/);
        return true;
      },
    );
  });
});
