/**
 * @module Tests for the runtime's value model through its ABI exports: JSON and Rego text round trips,
 * exact numbers, ordering of objects and sets, heap reset, path updates.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type RawModule, rawModule } from './raw-abi.js';

let m: RawModule;
before(async () => {
  m = await rawModule();
});

describe('runtime JSON round trip', () => {
  const cases: { note: string; text: string; json: string; rego?: string }[] = [
    { note: 'scalars', text: '[null, true, false, 0, -7, "x"]', json: '[null,true,false,0,-7,"x"]' },
    {
      note: 'object keys come out sorted',
      text: '{"b": 1, "a": {"d": [], "c": {}}}',
      json: '{"a":{"c":{},"d":[]},"b":1}',
    },
    { note: 'duplicate keys: last wins', text: '{"a": 1, "a": 2}', json: '{"a":2}' },
    {
      note: 'big integer keeps every digit',
      text: '123456789012345678901234567890',
      json: '123456789012345678901234567890',
    },
    { note: 'decimal literal is kept exactly', text: '[0.1, 1e400, -2.5E-3]', json: '[0.1,1e400,-2.5E-3]' },
    {
      note: 'escapes decode to UTF-8 and dump back',
      text: '"a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\\u0001"',
      json: '"a\\"b\\\\c\\né😀\\u0001"',
    },
    { note: 'rego syntax spacing', text: '{"a": [1, 2]}', json: '{"a":[1,2]}', rego: '{"a": [1, 2]}' },
  ];
  for (const c of cases) {
    it(c.note, () => {
      const v = m.parseJson(c.text);
      assert.notEqual(v, 0, 'parse failed');
      assert.equal(m.dumpJson(v), c.json);
      if (c.rego) assert.equal(m.dumpValue(v), c.rego);
    });
  }

  const invalid: { note: string; text: string }[] = [
    { note: 'trailing garbage', text: '{} x' },
    { note: 'unterminated string', text: '"abc' },
    { note: 'leading zero', text: '01' },
    { note: 'set literal is not JSON', text: '{1, 2}' },
    { note: 'empty', text: '' },
    { note: 'raw control character in a string', text: '"a\u0001"' },
  ];
  for (const c of invalid) {
    it(`rejects ${c.note}`, () => assert.equal(m.parseJson(c.text), 0));
  }
});

describe('runtime Rego values', () => {
  it('parses sets, sorts and dedupes them, and dumps them as arrays in JSON', () => {
    const v = m.parseValue('{3, 1, "a", 1, [2], {"k": set()}}');
    assert.equal(m.dumpValue(v), '{1, 3, "a", [2], {"k": set()}}');
    assert.equal(m.dumpJson(v), '[1,3,"a",[2],{"k":[]}]');
  });

  it('keeps non-string object keys (Rego) and stringifies them (JSON)', () => {
    const v = m.parseValue('{1: "one", [2]: "two"}');
    assert.equal(m.dumpValue(v), '{1: "one", [2]: "two"}');
    assert.equal(m.dumpJson(v), '{"1":"one","[2]":"two"}');
  });

  it('orders values across types as OPA does', () => {
    const v = m.parseValue('{{1}, {"a": 1}, [1], "s", 2, 1.5, true, false, null}');
    assert.equal(m.dumpValue(v), '{null, false, true, 1.5, 2, "s", [1], {1}, {"a": 1}}');
  });

  it('compares numbers across representations exactly', () => {
    const v = m.parseValue('{1, 1.0, 100000000000000000000, 99999999999999999999, 1e20}');
    assert.equal(m.dumpValue(v), '{1, 99999999999999999999, 100000000000000000000}');
  });
});

describe('runtime heap', () => {
  it('opa_heap_ptr_set resets allocation so repeated work does not grow memory', () => {
    const base = m.exports.opa_heap_ptr_get!();
    const pagesBefore = m.memory.buffer.byteLength;
    for (let i = 0; i < 2000; i++) {
      m.exports.opa_heap_ptr_set!(base);
      m.dumpJson(m.parseJson('{"a": [1, 2, 3], "b": "some text to copy"}'));
    }
    assert.equal(m.memory.buffer.byteLength, pagesBefore);
    assert.ok(m.exports.opa_heap_ptr_get!() - base < 4096);
  });

  it('opa_malloc grows memory when the heap outruns it', () => {
    const before = m.memory.buffer.byteLength;
    const addr = m.exports.opa_malloc!(before + 65536);
    assert.ok(m.memory.buffer.byteLength >= addr + before + 65536);
  });
});

describe('runtime path updates', () => {
  const cases: { note: string; path: string; value?: string; code: number; want: string }[] = [
    {
      note: 'add creates intermediate objects',
      path: '["x", "y"]',
      value: '1',
      code: 0,
      want: '{"a":{"b":1},"x":{"y":1}}',
    },
    {
      note: 'add replaces an existing value',
      path: '["a", "b"]',
      value: '2',
      code: 0,
      want: '{"a":{"b":2}}',
    },
    {
      note: 'add through a non-object is an invalid type',
      path: '["a", "b", "c"]',
      value: '2',
      code: 2,
      want: '{"a":{"b":1}}',
    },
    { note: 'empty path is invalid', path: '[]', value: '2', code: 3, want: '{"a":{"b":1}}' },
    { note: 'remove a key', path: '["a", "b"]', code: 0, want: '{"a":{}}' },
    { note: 'remove a missing key is fine', path: '["q", "r"]', code: 0, want: '{"a":{"b":1}}' },
  ];
  for (const c of cases) {
    it(c.note, () => {
      const base = m.parseJson('{"a": {"b": 1}}');
      const path = m.parseJson(c.path);
      const code =
        c.value === undefined
          ? m.exports.opa_value_remove_path!(base, path)
          : m.exports.opa_value_add_path!(base, path, m.parseJson(c.value));
      assert.equal(code, c.code);
      assert.equal(m.dumpJson(base), c.want);
    });
  }
});
