import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { GENESIS_HASH, linkHash, openLine, sealLine } from '../../audit/chain.js';

describe('hash chain', () => {
  test('a sealed line carries the hash as its last member; opening it gives back the hashed bytes', () => {
    const body = '{"type":"audit","v":1,"seq":1,"kind":"header"}';
    const { line, hash } = sealLine(GENESIS_HASH, `${body}\n`);
    assert.equal(line, `{"type":"audit","v":1,"seq":1,"kind":"header","hash":"${hash}"}\n`);
    assert.deepEqual(openLine(line.slice(0, -1)), { body, hash });
    assert.equal(JSON.parse(line).hash, hash);
  });

  test('the link is SHA-256 of previous hash, newline, body: reproducible with any SHA-256 tool', () => {
    const body = '{"a":1}';
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex');
    assert.equal(linkHash(GENESIS_HASH, body), expected);
  });

  test('any change to the body or the previous hash changes the link', () => {
    const a = linkHash(GENESIS_HASH, '{"a":1}');
    assert.notEqual(linkHash(GENESIS_HASH, '{"a":2}'), a);
    assert.notEqual(linkHash('1'.repeat(64), '{"a":1}'), a);
  });

  const unsealed = [
    { note: 'no hash member', line: '{"a":1}' },
    { note: 'hash not last', line: `{"hash":"${'a'.repeat(64)}","a":1}` },
    { note: 'short hash', line: `{"a":1,"hash":"${'a'.repeat(63)}"}` },
    { note: 'uppercase hex', line: `{"a":1,"hash":"${'A'.repeat(64)}"}` },
    { note: 'garbage', line: 'hello' },
  ];
  for (const c of unsealed) {
    test(`openLine rejects ${c.note}`, () => assert.equal(openLine(c.line), null));
  }
});
