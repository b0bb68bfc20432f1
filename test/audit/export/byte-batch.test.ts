import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ByteBatch } from '../../../audit/export/byte-batch.js';

const joined = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');

describe('ByteBatch', () => {
  test('texts come out as their UTF-8 bytes, in order, multi-byte characters whole', () => {
    const batch = new ByteBatch(64);
    const texts = ['plain\n', 'ü€😀\n', 'x'.repeat(20), '"quoted",\r\n', '😀'.repeat(5)];
    for (const t of texts) batch.add(t);
    const chunks = batch.take();
    assert.ok(chunks.length > 1, 'a small buffer is sealed and a new one started');
    assert.ok(chunks.every((c) => c.length <= 64));
    assert.equal(joined(chunks), texts.join(''));
    assert.deepEqual(batch.take(), [], 'nothing added since: nothing to write');
  });

  test('a text larger than the buffer is passed on by itself, between the ones around it', () => {
    const batch = new ByteBatch(16);
    const big = 'é'.repeat(40);
    batch.add('a');
    batch.add(big);
    batch.add('b');
    const chunks = batch.take();
    assert.equal(joined(chunks), `a${big}b`);
    assert.equal(chunks[1]?.toString('utf8'), big);
  });

  test('bytes handed out are not overwritten by later texts', () => {
    const batch = new ByteBatch(32);
    batch.add('first');
    const [first] = batch.take();
    batch.add('second-second');
    batch.add('third');
    const later = batch.take();
    assert.equal(first?.toString('utf8'), 'first');
    assert.equal(joined(later), 'second-secondthird');
  });

  test('any mix of sizes, characters and takes: the bytes are exactly the texts, in order', () => {
    const alphabet = ['a', 'é', '€', '😀', '\n', '"'];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (const size of [8, 33, 100, 1024]) {
      const batch = new ByteBatch(size);
      const chunks: Buffer[] = [];
      let expected = '';
      for (let i = 0; i < 400; i++) {
        let text = '';
        const length = next(3) === 0 ? next(size) : next(12);
        for (let j = 0; j < length; j++) text += alphabet[next(alphabet.length)];
        batch.add(text);
        expected += text;
        if (next(5) === 0) chunks.push(...batch.take());
      }
      chunks.push(...batch.take());
      assert.equal(joined(chunks), expected, `buffer of ${size} bytes`);
    }
  });
});
