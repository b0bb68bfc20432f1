import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileFilter, type ExportFilter } from '../../../audit/export/filter.js';
import type { DecisionRecord } from '../../../audit/index.js';

const base = {
  type: 'audit',
  v: 1,
  seq: 2,
  writer: 'spiffe://m/w',
  hash: 'a'.repeat(64),
  decision_id: 'd',
} as const;
const authz = {
  ...base,
  kind: 'authz',
  ts: '2026-11-24T10:00:00.000Z',
  decision: 'deny',
  source: { principal: 'spiffe://m/cart', mtls: true },
  destination: { service: 'orders' },
  request: { protocol: 'http1' },
} as DecisionRecord;
const identity = {
  ...base,
  kind: 'identity',
  ts: '2026-11-24T12:00:00.000Z',
  decision: 'allow',
  action: 'issue',
  svid: { subject: 'spiffe://m/cart' },
} as DecisionRecord;

const cases: { note: string; filter: ExportFilter; authz: boolean; identity: boolean }[] = [
  { note: 'no filter keeps everything', filter: {}, authz: true, identity: true },
  {
    note: 'since is inclusive',
    filter: { since: Date.parse('2026-11-24T10:00:00Z') },
    authz: true,
    identity: true,
  },
  {
    note: 'until is exclusive',
    filter: { until: Date.parse('2026-11-24T12:00:00Z') },
    authz: true,
    identity: false,
  },
  { note: 'decision', filter: { decision: 'deny' }, authz: true, identity: false },
  { note: 'kind', filter: { kind: 'identity' }, authz: false, identity: true },
  {
    note: 'principal matches the caller or the certificate subject',
    filter: { principal: 'spiffe://m/cart' },
    authz: true,
    identity: true,
  },
  { note: 'another principal', filter: { principal: 'spiffe://m/other' }, authz: false, identity: false },
  {
    note: 'service: identity records have no destination service',
    filter: { service: 'orders' },
    authz: true,
    identity: false,
  },
  {
    note: 'filters combine with AND',
    filter: { decision: 'deny', service: 'payments' },
    authz: false,
    identity: false,
  },
];

describe('compileFilter', () => {
  for (const c of cases) {
    test(c.note, () => {
      const keep = compileFilter(c.filter);
      assert.equal(keep(authz), c.authz);
      assert.equal(keep(identity), c.identity);
    });
  }
});
