import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ocsfLine, toOcsf } from '../../../audit/export/ocsf.js';
import type { DecisionRecord } from '../../../audit/index.js';

const envelope = {
  type: 'audit',
  v: 1,
  seq: 7,
  ts: '2026-11-24T10:00:00.123Z',
  writer: 'spiffe://m/orders-sidecar',
  hash: 'f'.repeat(64),
  decision_id: '0b6b5c36-1c1a-4b8e-9a57-2c0d7f6f1a11',
};

describe('toOcsf (API Activity 6003 + Security Control profile)', () => {
  test('an HTTP deny maps class, activity, action, disposition, actor, endpoints, policy', () => {
    const e = toOcsf({
      ...envelope,
      kind: 'authz',
      decision: 'deny',
      reason: 'no rule allows',
      request_id: 'req-1',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      source: { principal: 'spiffe://m/cart', address: '10.0.0.7', port: 5000, mtls: true },
      destination: { service: 'orders', principal: 'spiffe://m/orders', port: 8443 },
      request: { protocol: 'http2', method: 'DELETE', path: '/orders/1', host: 'orders' },
      policy: { entrypoint: 'palisade/authz/allow', revision: 'sha256:ab' },
      status: 403,
      latency_us: 2500,
    } as DecisionRecord);
    assert.equal(e.class_uid, 6003);
    assert.equal(e.category_uid, 6);
    assert.equal(e.activity_id, 4);
    assert.equal(e.type_uid, 600304);
    assert.equal(e.time, Date.parse(envelope.ts));
    assert.deepEqual([e.action_id, e.action, e.disposition_id, e.disposition], [2, 'Denied', 2, 'Blocked']);
    assert.deepEqual(
      [e.status_id, e.status, e.status_code, e.status_detail],
      [2, 'Failure', '403', 'no rule allows'],
    );
    assert.deepEqual(e.actor, { user: { uid: 'spiffe://m/cart', type_id: 4, type: 'Service' } });
    assert.deepEqual(e.src_endpoint, { ip: '10.0.0.7', port: 5000 });
    assert.deepEqual(e.dst_endpoint, { svc_name: 'orders', port: 8443, hostname: 'orders' });
    assert.deepEqual(e.http_request, {
      http_method: 'DELETE',
      url: { path: '/orders/1', hostname: 'orders' },
    });
    assert.deepEqual(e.policy, { name: 'palisade/authz/allow', uid: 'sha256:ab' });
    assert.equal(e.duration, 3);
    const meta = e.metadata as Record<string, unknown>;
    assert.deepEqual(
      [meta.version, meta.uid, meta.correlation_uid, meta.sequence],
      ['1.3.0', envelope.decision_id, 'req-1', 7],
    );
    assert.deepEqual(meta.profiles, ['security_control']);
    assert.equal((e.unmapped as Record<string, unknown>).trace_id, '4bf92f3577b34da6a3ce929d0e0e4736');
  });

  test('an allowed gRPC call without client identity: Other activity, Allowed, unauthenticated actor', () => {
    const e = toOcsf({
      ...envelope,
      kind: 'authz',
      decision: 'allow',
      source: { principal: null, mtls: false },
      destination: { service: 'orders' },
      request: { protocol: 'grpc', method: '/shop.Orders/Get' },
      status: 0,
    } as DecisionRecord);
    assert.deepEqual(
      [e.activity_id, e.type_uid, e.action_id, e.disposition_id, e.status_id],
      [99, 600399, 1, 1, 1],
    );
    assert.deepEqual(e.actor, { user: { name: 'unauthenticated', type_id: 0, type: 'Unknown' } });
    assert.equal((e.api as { operation: string }).operation, '/shop.Orders/Get');
    assert.equal(e.http_request, undefined);
    assert.equal(e.src_endpoint, undefined, 'empty objects are dropped');
  });

  test('an identity issuance is a Create with the SVID as resource; an error is fail-closed Denied', () => {
    const e = toOcsf({
      ...envelope,
      kind: 'identity',
      decision: 'error',
      reason: 'CSR signature invalid',
      action: 'issue',
      svid: { subject: 'spiffe://m/cart', serial: '0a1b' },
    } as DecisionRecord);
    assert.deepEqual([e.activity_id, e.action_id, e.disposition_id, e.severity_id], [1, 2, 2, 3]);
    assert.deepEqual(e.resources, [{ type: 'X.509-SVID', name: 'spiffe://m/cart', uid: '0a1b' }]);
    assert.equal((e.api as { operation: string }).operation, 'svid.issue');
  });

  test('ocsfLine: one line of JSON; strings that need escaping (quotes, controls, lone surrogates) round-trip', () => {
    const path = '/a"b\\c\n\t\u0001\u2028ü😀\ud800';
    const line = ocsfLine({
      ...envelope,
      kind: 'authz',
      decision: 'allow',
      reason: '=cmd|"x"',
      source: { principal: 'spiffe://m/cart', mtls: true },
      destination: { service: 'orders' },
      request: { protocol: 'http1', path },
    } as DecisionRecord);
    assert.ok(line.endsWith('\n'));
    assert.equal(line.indexOf('\n'), line.length - 1, 'a single line');
    assert.equal(line, `${JSON.stringify(JSON.parse(line))}\n`, 'members as JSON.stringify writes them');
    const e = JSON.parse(line);
    assert.deepEqual(e.http_request, { url: { path } }, 'no method: member omitted, not null');
    assert.equal(e.status_detail, '=cmd|"x"');
    assert.equal(e.src_endpoint, undefined, 'no address or port: no empty object');
    assert.equal(e.duration, undefined);
    assert.deepEqual(e.unmapped, {
      palisade_kind: 'authz',
      source_mtls: true,
      protocol: 'http1',
      hash: envelope.hash,
    });
  });

  test('a quota record carries its quota in unmapped; a TCP request has no http members', () => {
    const e = toOcsf({
      ...envelope,
      kind: 'quota',
      decision: 'deny',
      source: { principal: 'spiffe://m/cart', address: '10.0.0.7', mtls: true },
      destination: { service: 'orders', port: 9000 },
      request: { protocol: 'tcp' },
      quota: { name: 'per-principal', limit: 10, remaining: 0 },
      status: 429,
      latency_us: 1499,
    } as DecisionRecord);
    assert.deepEqual((e.unmapped as { quota: unknown }).quota, {
      name: 'per-principal',
      limit: 10,
      remaining: 0,
    });
    assert.equal(e.http_request, undefined);
    assert.equal(e.http_response, undefined);
    assert.deepEqual(e.api, {
      operation: 'tcp',
      service: { name: 'orders' },
      request: { uid: envelope.decision_id },
      response: { code: 429 },
    });
    assert.deepEqual(e.src_endpoint, { ip: '10.0.0.7' });
    assert.equal(e.duration, 1);
    assert.equal(e.status_code, '429');
  });

  test('escapeFree (the line had no backslash) writes the same text without checking each string', () => {
    const record = {
      ...envelope,
      kind: 'authz',
      decision: 'allow',
      request_id: 'req-ü€😀',
      source: { principal: 'spiffe://m/cart', address: '10.0.0.7', port: 1, mtls: true },
      destination: { service: 'orders', principal: 'spiffe://m/orders', port: 8443 },
      request: { protocol: 'http1', method: 'GET', path: '/a?b=c&d=é', host: 'orders' },
      policy: { entrypoint: 'palisade/authz/allow', revision: 'sha256:ab' },
      status: 200,
      latency_us: 40,
    } as DecisionRecord;
    assert.equal(JSON.stringify(record).includes('\\'), false);
    assert.equal(ocsfLine(record, true), ocsfLine(record, false));
  });
});
