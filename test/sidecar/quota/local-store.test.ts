/**
 * Tests for the bounded in-process bucket store: LRU cap with an eviction callback, idle sweep.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketId, LocalBucketStore } from '../../../sidecar/quota/local-store.js';
import { hasTokens, take } from '../../../sidecar/quota/token-bucket.js';

const T0 = 1_700_000_000_000;
const shape = { capacity: 5, windowMs: 1_000 };

describe('LocalBucketStore', () => {
  test('a key explosion stays at max_keys, evicting one-off keys before keys in use (CLOCK), and counting it', () => {
    const evicted: string[] = [];
    const store = new LocalBucketStore({
      maxKeys: 100,
      onEvict: (reason, n) => evicted.push(`${reason}:${n}`),
    });
    const hot = store.bucket(bucketId('l', 'hot'), shape, T0);
    take(hot, 5);
    for (let i = 0; i < 10_000; i++) {
      store.bucket(bucketId('l', `attacker-${i}`), shape, T0);
      // The hot key stays in use, so it is never the least recently used.
      if (i % 50 === 0) store.bucket(bucketId('l', 'hot'), shape, T0);
    }
    assert.equal(store.size, 100);
    assert.equal(evicted.length, 10_000 + 1 - 100);
    assert.ok(evicted.every((e) => e === 'cap:1'));
    const again = store.bucket(bucketId('l', 'hot'), shape, T0);
    assert.equal(hasTokens(again, 1), false, 'the hot key kept its state: still empty');
  });

  test('sweep drops exactly the buckets that are full again, without changing any decision', () => {
    let idle = 0;
    const store = new LocalBucketStore({
      maxKeys: 10,
      onEvict: (reason, n) => {
        if (reason === 'idle') idle += n;
      },
    });
    take(store.bucket('a', shape, T0), 5); // empty: full again at T0 + 1000
    take(store.bucket('b', shape, T0), 1); // full again at T0 + 200
    store.bucket('c', { capacity: 5, windowMs: 60_000 }, T0); // untouched: full already
    assert.equal(store.sweep(T0), 1, 'only the untouched bucket');
    assert.equal(store.sweep(T0 + 199), 0);
    assert.equal(store.sweep(T0 + 200), 1);
    assert.equal(store.sweep(T0 + 999), 0);
    assert.equal(store.sweep(T0 + 1_000), 1);
    assert.equal(store.size, 0);
    assert.equal(idle, 3);
  });

  test('maxKeys is validated', () => {
    assert.throws(
      () => new LocalBucketStore({ maxKeys: 0 }),
      /maxKeys must be a positive integer \(found 0\)/,
    );
  });
});
