import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CSV_HEADER, csvField, csvRow } from '../../../audit/export/csv.js';
import type { DecisionRecord } from '../../../audit/index.js';

describe('csv', () => {
  const cases = [
    { note: 'plain text', value: 'orders', want: 'orders' },
    { note: 'absent', value: undefined, want: '' },
    { note: 'a number', value: 403, want: '403' },
    { note: 'a boolean', value: true, want: 'true' },
    { note: 'a comma', value: 'a,b', want: '"a,b"' },
    { note: 'quotes are doubled', value: 'say "no"', want: '"say ""no"""' },
    { note: 'a newline', value: 'a\nb', want: '"a\nb"' },
    { note: 'a formula (CSV injection) is defused', value: '=HYPERLINK("x")', want: '"\'=HYPERLINK(""x"")"' },
    { note: 'a leading minus in text is defused', value: '-1+1', want: "'-1+1" },
  ];
  for (const c of cases) test(`field: ${c.note}`, () => assert.equal(csvField(c.value), c.want));

  test('header is stable and every row has as many fields', () => {
    assert.match(
      CSV_HEADER,
      /^ts,seq,kind,decision,reason,decision_id,request_id,trace_id,writer,source_principal,/,
    );
    assert.ok(CSV_HEADER.endsWith(',hash\r\n'));
    const row = csvRow({
      type: 'audit',
      v: 1,
      seq: 3,
      ts: '2026-11-24T10:00:00.000Z',
      writer: 'w',
      hash: 'h',
      decision_id: 'd',
      kind: 'authz',
      decision: 'deny',
      reason: 'no rule, sorry',
      source: { principal: null, mtls: false },
      destination: { service: 'orders' },
      request: { protocol: 'http1', method: 'GET', path: '/a' },
    } as unknown as DecisionRecord);
    assert.ok(row.endsWith('\r\n'));
    assert.match(row, /,"no rule, sorry",/);
    const fields = row
      .slice(0, -2)
      .replace(/"[^"]*"/g, 'q')
      .split(',');
    assert.equal(fields.length, CSV_HEADER.trim().split(',').length);
  });
});
