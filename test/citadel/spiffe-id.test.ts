import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_SPIFFE_ID_BYTES,
  parseSpiffeId,
  parseTrustDomain,
  trustDomainId,
  tryParseSpiffeId,
  workloadId,
} from '../../citadel/spiffe-id.js';

function rejects(text: string, message: RegExp): void {
  assert.throws(
    () => parseSpiffeId(text),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CITADEL_SPIFFE_ID');
      assert.match(err.message, message);
      return true;
    },
  );
}

describe('parseSpiffeId: valid IDs from the SPIFFE-ID spec', () => {
  const cases = [
    { note: 'trust domain only', text: 'spiffe://example.org', td: 'example.org', path: '' },
    {
      note: 'workload path',
      text: 'spiffe://example.org/ns/shop/sa/cart',
      td: 'example.org',
      path: '/ns/shop/sa/cart',
    },
    { note: 'all allowed trust domain chars', text: 'spiffe://a-b_c.d9/x', td: 'a-b_c.d9', path: '/x' },
    {
      note: 'path segment chars incl. upper case',
      text: 'spiffe://td/Aa-_.9/x.y',
      td: 'td',
      path: '/Aa-_.9/x.y',
    },
    { note: 'dots inside a segment are fine', text: 'spiffe://td/...a', td: 'td', path: '/...a' },
  ];
  for (const c of cases) {
    test(c.note, () => {
      const id = parseSpiffeId(c.text);
      assert.equal(id.trustDomain, c.td);
      assert.equal(id.path, c.path);
      assert.equal(id.toString(), c.text);
      assert.equal(JSON.stringify({ id }), JSON.stringify({ id: c.text }));
    });
  }

  test('namespace and service account are exposed for /ns/<ns>/sa/<sa> only', () => {
    const id = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart');
    assert.equal(id.namespace, 'shop');
    assert.equal(id.serviceAccount, 'cart');
    const other = parseSpiffeId('spiffe://example.org/ns/shop/sa/cart/extra');
    assert.equal(other.namespace, undefined);
    assert.equal(other.serviceAccount, undefined);
  });

  test('equals, memberOf, trust domain ID', () => {
    const a = parseSpiffeId('spiffe://example.org/x');
    assert.ok(a.equals(parseSpiffeId('spiffe://example.org/x')));
    assert.ok(!a.equals(parseSpiffeId('spiffe://example.org/y')));
    assert.ok(a.memberOf('example.org'));
    assert.ok(!a.memberOf('example.com'));
    assert.equal(a.trustDomainId().toString(), 'spiffe://example.org');
    assert.ok(a.trustDomainId().isTrustDomainId);
    assert.equal(workloadId('example.org', 'ns1', 'sa1').toString(), 'spiffe://example.org/ns/ns1/sa/sa1');
    assert.equal(trustDomainId('example.org').toString(), 'spiffe://example.org');
  });
});

describe('parseSpiffeId: invalid IDs are refused naming the rule', () => {
  const cases = [
    { note: 'empty', text: '', message: /empty/ },
    { note: 'other scheme', text: 'https://example.org/x', message: /scheme is missing or invalid/ },
    { note: 'upper-case scheme', text: 'SPIFFE://example.org/x', message: /scheme must be lowercase/ },
    { note: 'no scheme separator', text: 'spiffe:example.org/x', message: /scheme is missing or invalid/ },
    { note: 'missing trust domain', text: 'spiffe:///path', message: /trust domain is missing/ },
    { note: 'nothing after the scheme', text: 'spiffe://', message: /trust domain is missing/ },
    {
      note: 'upper-case trust domain',
      text: 'spiffe://Example.org/x',
      message: /trust domain must be lowercase \("E" at position 9\)/,
    },
    {
      note: 'port',
      text: 'spiffe://example.org:8080/x',
      message: /cannot contain a port \(":" at position 20\)/,
    },
    { note: 'userinfo', text: 'spiffe://user@example.org/x', message: /cannot contain userinfo/ },
    {
      note: 'query on the trust domain',
      text: 'spiffe://example.org?x=1',
      message: /query and fragment are not allowed/,
    },
    {
      note: 'bad trust domain char',
      text: 'spiffe://exa$mple.org',
      message: /trust domain characters are limited/,
    },
    { note: 'trailing slash', text: 'spiffe://example.org/', message: /trailing slash/ },
    { note: 'trailing slash after a path', text: 'spiffe://example.org/a/', message: /trailing slash/ },
    { note: 'empty segment', text: 'spiffe://example.org//a', message: /empty segments/ },
    { note: 'dot segment', text: 'spiffe://example.org/./a', message: /"\." or "\.\." segments/ },
    { note: 'dot-dot segment', text: 'spiffe://example.org/a/../b', message: /"\." or "\.\." segments/ },
    {
      note: 'query',
      text: 'spiffe://example.org/a?b=c',
      message: /query and fragment are not allowed \("\?" at position 22\)/,
    },
    { note: 'fragment', text: 'spiffe://example.org/a#b', message: /query and fragment are not allowed/ },
    {
      note: 'percent-encoding',
      text: 'spiffe://example.org/%41',
      message: /path segment characters are limited/,
    },
    { note: 'space', text: 'spiffe://example.org/a b', message: /path segment characters are limited/ },
    {
      note: 'non-ASCII',
      text: 'spiffe://example.org/caf\u00e9',
      message: /path segment characters are limited/,
    },
    {
      note: 'longer than 2048 bytes',
      text: `spiffe://example.org/${'a'.repeat(MAX_SPIFFE_ID_BYTES)}`,
      message: /longer than 2048 bytes/,
    },
    {
      note: 'trust domain longer than 255',
      text: `spiffe://${'a'.repeat(256)}/x`,
      message: /longer than 255/,
    },
  ];
  for (const c of cases) test(c.note, () => rejects(c.text, c.message));

  test('exactly 2048 bytes is accepted', () => {
    const base = 'spiffe://example.org/';
    const id = parseSpiffeId(base + 'a'.repeat(MAX_SPIFFE_ID_BYTES - base.length));
    assert.equal(id.toString().length, MAX_SPIFFE_ID_BYTES);
  });

  test('tryParseSpiffeId returns undefined instead of throwing', () => {
    assert.equal(tryParseSpiffeId('spiffe://example.org/'), undefined);
    assert.equal(tryParseSpiffeId('spiffe://example.org/a')?.path, '/a');
  });

  test('the error is a usage error for the CLI (exit code 2)', () => {
    assert.throws(
      () => parseSpiffeId('nope'),
      (err: { exitCode?: number }) => err.exitCode === 2,
    );
  });
});

describe('parseTrustDomain', () => {
  test('bare name or trust domain ID', () => {
    assert.equal(parseTrustDomain('example.org'), 'example.org');
    assert.equal(parseTrustDomain('spiffe://example.org'), 'example.org');
  });
  test('refuses a path, upper case and a port', () => {
    assert.throws(() => parseTrustDomain('spiffe://example.org/x'), /a trust domain has no path/);
    assert.throws(() => parseTrustDomain('Example.org'), /must be lowercase/);
    assert.throws(() => parseTrustDomain('example.org:1'), /cannot contain a port/);
  });
});
