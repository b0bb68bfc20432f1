import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createInputMasker } from '../../audit/mask.js';

describe('createInputMasker', () => {
  const mask = createInputMasker(['ssn'], 'XXX');

  test('masks built-in credential keys at any depth, case-insensitively, and configured keys', () => {
    const input = {
      headers: {
        Authorization: 'Bearer t',
        cookie: 'c',
        'Set-Cookie': 's',
        'PROXY-AUTHORIZATION': 'p',
        accept: 'a',
      },
      list: [{ user: { SSN: '123' } }],
    };
    assert.deepEqual(mask(input), {
      headers: {
        Authorization: 'XXX',
        cookie: 'XXX',
        'Set-Cookie': 'XXX',
        'PROXY-AUTHORIZATION': 'XXX',
        accept: 'a',
      },
      list: [{ user: { SSN: 'XXX' } }],
    });
  });

  test('leaves the original untouched and passes scalars through', () => {
    const input = { cookie: 'c' };
    mask(input);
    assert.deepEqual(input, { cookie: 'c' });
    assert.equal(mask('text'), 'text');
    assert.equal(mask(null), null);
  });

  test('cuts off absurdly deep documents instead of recursing without end', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100; i++) deep = { d: deep };
    let node = mask(deep) as Record<string, unknown>;
    let depth = 0;
    while (typeof node === 'object') {
      node = node.d as Record<string, unknown>;
      depth++;
    }
    assert.equal(node, 'XXX');
    assert.equal(depth, 32);
  });
});
