import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TokenLedger } from '../../../citadel/state/token-ledger.js';
import { FakeClock } from '../../helpers/clock.js';
import { tempDir } from '../../helpers/tmp.js';

describe('TokenLedger', () => {
  test('a used token is refused, also after reopening; concurrent double use is refused', async (t) => {
    const path = join(await tempDir(t), 'used-tokens.jsonl');
    const clock = new FakeClock();
    const exp = Math.floor(clock.now() / 1000) + 600;
    const ledger = await TokenLedger.open(path, clock);
    const results = await Promise.allSettled([ledger.consume('a', exp), ledger.consume('a', exp)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected'],
    );
    const reopened = await TokenLedger.open(path, clock);
    assert.ok(reopened.has('a'));
    await assert.rejects(
      reopened.consume('a', exp),
      (err: Error & { code?: string }) => err.code === 'ERR_CITADEL_TOKEN_REPLAYED',
    );
  });

  test('expired entries are compacted away once they dominate; live ones stay', async (t) => {
    const path = join(await tempDir(t), 'used-tokens.jsonl');
    const clock = new FakeClock();
    const now = Math.floor(clock.now() / 1000);
    const lines = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ jti: `old-${i}`, exp: now - 10 }));
    lines.push(JSON.stringify({ jti: 'live', exp: now + 600 }));
    await writeFile(path, `${lines.join('\n')}\n`);
    // Only the token-consuming server compacts; any other reader leaves the file as it is.
    await TokenLedger.open(path, clock);
    assert.equal(await readFile(path, 'utf8'), `${lines.join('\n')}\n`);
    const ledger = await TokenLedger.open(path, clock, { compact: true });
    assert.ok(ledger.has('live'));
    assert.ok(!ledger.has('old-1'));
    assert.equal(await readFile(path, 'utf8'), `${JSON.stringify({ jti: 'live', exp: now + 600 })}\n`);
  });
});
