/**
 * Tests for the combined authorization + quota decision module and the split of its result.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DECISION_ENTRYPOINT, decisionModule, splitDecision } from '../../../sidecar/quota/decision.js';

describe('decision module', () => {
  test('one rule per configured entrypoint, in one package with one entrypoint', () => {
    const src = decisionModule({
      allow: 'palisade/authz/allow',
      reason: 'palisade/authz/reason',
      quota: 'data.palisade.quota.limits',
    });
    assert.equal(DECISION_ENTRYPOINT, 'palisade_sidecar/decision');
    assert.match(src, /^package palisade_sidecar$/m);
    assert.match(src, /^import rego\.v1$/m);
    assert.match(src, /^decision\["allow"\] := x if \{\n\tx := data\.palisade\.authz\.allow\n\}$/m);
    // The reason only for refusals, the limits only for allowed requests.
    assert.match(
      src,
      /^decision\["reason"\] := x if \{\n\tnot data\.palisade\.authz\.allow == true\n\tx := data\.palisade\.authz\.reason\n\}$/m,
    );
    assert.match(
      src,
      /^decision\["limits"\] := x if \{\n\tdata\.palisade\.authz\.allow == true\n\tx := data\.palisade\.quota\.limits\n\}$/m,
    );
  });

  test('without quota there is no limits rule', () => {
    assert.doesNotMatch(decisionModule({ allow: 'data.a.allow' }), /limits/);
  });

  const bad = [
    { note: 'not a data reference', ref: 'input.x' },
    { note: 'injection attempt', ref: 'data.a.b }\nallow := true' },
    { note: 'points at itself', ref: 'palisade_sidecar/decision' },
  ];
  for (const c of bad) {
    test(`rejects entrypoint: ${c.note}`, () => {
      assert.throws(
        () => decisionModule({ allow: 'data.a.allow', quota: c.ref }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'ERR_QUOTA_LIMIT_INVALID');
          assert.match(
            err.message,
            /^decision entrypoint limits: ".*" is not an entrypoint such as palisade\/authz\/allow$/s,
          );
          return true;
        },
      );
    });
  }
});

describe('splitDecision', () => {
  test('splits the parts; an undefined part is undefined', () => {
    assert.deepEqual(splitDecision({ allow: true, limits: [] }), {
      allow: true,
      reason: undefined,
      limits: [],
    });
    assert.deepEqual(splitDecision({}), { allow: undefined, reason: undefined, limits: undefined });
  });
  const bad = [
    { note: 'undefined', value: undefined, found: 'undefined' },
    { note: 'array', value: [], found: 'an array' },
    { note: 'boolean', value: true, found: 'boolean' },
  ];
  for (const c of bad) {
    test(`rejects ${c.note}`, () => {
      assert.throws(
        () => splitDecision(c.value),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'ERR_QUOTA_LIMIT_INVALID');
          assert.equal(
            err.message,
            `data.palisade_sidecar.decision: expected an object with allow/reason/limits (found ${c.found})`,
          );
          return true;
        },
      );
    });
  }
});
