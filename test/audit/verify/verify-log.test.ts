import assert from 'node:assert/strict';
import { appendFile, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CompactSign, generateKeyPair } from 'jose';
import { readVerificationKeys, verifyLog } from '../../../audit/index.js';
import { logFiles, logFixture, readFileLines, rechain, writeFileLines, writeLog } from '../log-fixture.js';

const LOG = { rotation: { max_bytes: '8KiB' }, checkpoint: { every_records: 10 } } as const;

interface Case {
  note: string;
  /** Damage the log; returns the file expected in the report (index into the file list). */
  damage: (dir: string, files: string[]) => Promise<number>;
  kind: string;
  seq?: number | null;
  message: RegExp;
}

async function edit(dir: string, file: string, fn: (lines: string[]) => string[]): Promise<void> {
  const path = join(dir, file);
  await writeFileLines(path, fn(await readFileLines(path)));
}

const seqOf = (line: string) => JSON.parse(line).seq as number;

const cases: Case[] = [
  {
    note: 'a status changed in a rotated (gzip) file',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) =>
        l.map((x, i) => (i === 4 ? x.replace('"status":200', '"status":500') : x)),
      );
      return 0;
    },
    kind: 'edited',
    seq: 5,
    message: /record seq 5 was modified/,
  },
  {
    note: 'a record edited and every later hash recomputed (no key): the signed checkpoint catches it',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) =>
        rechain(
          l.map((x, i) => (i === 4 ? x.replace('"status":200', '"status":201') : x)),
          4,
        ),
      );
      return 0;
    },
    kind: 'edited',
    message: /does not match the chain: records between seq \d+ and \d+ were rewritten/,
  },
  {
    note: 'a record deleted',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) => l.filter((_, i) => i !== 4));
      return 0;
    },
    kind: 'missing',
    seq: 5,
    message: /records seq 5\.\.5 are missing \(found seq 6\)/,
  },
  {
    note: 'two records swapped',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) => [
        ...l.slice(0, 4),
        l[5] as string,
        l[4] as string,
        ...l.slice(6),
      ]);
      return 0;
    },
    kind: 'reordered',
    seq: 5,
    message: /found seq 6 where seq 5 was expected; seq 5 appears later/,
  },
  {
    note: 'a record replayed (duplicated) further on',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) => [...l.slice(0, 7), l[4] as string, ...l.slice(7)]);
      return 0;
    },
    kind: 'inserted',
    seq: 5,
    message: /seq 5 appears again after seq 7/,
  },
  {
    note: 'a forged record inserted before the real one, keeping the real hashes',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) => {
        const forged = rechain(
          [l[3] as string, (l[4] as string).replace('"status":200', '"status":299')],
          1,
        )[1] as string;
        return [...l.slice(0, 4), forged, ...l.slice(4)];
      });
      return 0;
    },
    kind: 'inserted',
    seq: 5,
    message: /seq 5 appears again after seq 5/,
  },
  {
    note: 'a checkpoint signature altered (hashes recomputed)',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) => {
        const i = l.findIndex((x) => x.includes('"kind":"checkpoint"'));
        const cp = JSON.parse(l[i] as string);
        const [h, p, sig] = cp.jws.split('.');
        const bad = `${h}.${p}.${(sig as string).startsWith('A') ? 'B' : 'A'}${(sig as string).slice(1)}`;
        return rechain(
          l.map((x, j) => (j === i ? x.replace(cp.jws, bad) : x)),
          i,
        );
      });
      return 0;
    },
    kind: 'bad_signature',
    message: /signature does not verify/,
  },
  {
    note: 'a checkpoint re-signed by another key (hashes recomputed)',
    damage: async (dir, files) => {
      const { privateKey } = await generateKeyPair('ES256');
      const path = join(dir, files[0] as string);
      const l = await readFileLines(path);
      const i = l.findIndex((x) => x.includes('"kind":"checkpoint"'));
      const cp = JSON.parse(l[i] as string);
      const payload = Buffer.from(cp.jws.split('.')[1], 'base64url');
      const forged = await new CompactSign(payload)
        .setProtectedHeader({ alg: 'ES256', kid: 'attacker', typ: 'palisade-audit-checkpoint' })
        .sign(privateKey);
      await writeFileLines(
        path,
        rechain(
          l.map((x, j) => (j === i ? x.replace(cp.jws, forged) : x)),
          i,
        ),
      );
      return 0;
    },
    kind: 'unknown_key',
    message: /signed by key attacker, which is not trusted/,
  },
  {
    note: 'the tail cut off after the last checkpoint, with the closing checkpoint',
    damage: async (dir, files) => {
      await edit(dir, files.at(-1) as string, (l) => l.slice(0, -2));
      return files.length - 1;
    },
    kind: 'truncated_tail',
    message: /without a closing checkpoint and no writer is running: \d+ records after the last checkpoint/,
  },
  {
    note: 'a line of garbage',
    damage: async (dir, files) => {
      await edit(dir, files[1] as string, (l) => [...l.slice(0, 3), 'this is not a record', ...l.slice(3)]);
      return 1;
    },
    kind: 'garbage_line',
    message: /:4: not a sealed audit record \("this is not a record"\)/,
  },
  {
    note: 'a half-written last line (crash mid-write)',
    damage: async (dir, files) => {
      await appendFile(join(dir, files.at(-1) as string), '{"type":"audit","v":1,"seq":');
      return files.length - 1;
    },
    kind: 'half_written_line',
    message: /the last line is half-written \(28 bytes\): the writer crashed mid-write/,
  },
  {
    note: 'a middle file deleted',
    damage: async (dir, files) => {
      await rm(join(dir, files[1] as string));
      return 2;
    },
    kind: 'missing_file',
    message:
      /file audit-000002-\S+ is missing: audit-000003-\S+ continues from it, but the file before it is audit-000001-/,
  },
  {
    note: 'the first file deleted with no retention record',
    damage: async (dir, files) => {
      await rm(join(dir, files[0] as string));
      return 1;
    },
    kind: 'missing_file',
    message:
      /file audit-000001-\S+ is missing: audit-000002-\S+ continues from it and no retention record says it was removed/,
  },
  {
    note: 'a damaged gzip member',
    damage: async (dir, files) => {
      const path = join(dir, files[1] as string);
      const raw = await readFile(path);
      for (let i = 30; i < 60; i++) raw[i] = (raw[i] as number) ^ 0xff;
      await writeFile(path, raw);
      return 1;
    },
    kind: 'bad_gzip',
    message: /gzip data is damaged after line \d+/,
  },
  {
    note: 'a gzip file cut short',
    damage: async (dir, files) => {
      const path = join(dir, files[1] as string);
      const raw = await readFile(path);
      await writeFile(path, raw.subarray(0, raw.length - 40));
      return 1;
    },
    kind: 'bad_gzip',
    message: /gzip data is damaged after line \d+: unexpected end of file/,
  },
  {
    note: 'records cut from the end of a rotated file',
    damage: async (dir, files) => {
      await edit(dir, files[0] as string, (l) => l.slice(0, -3));
      return 0;
    },
    kind: 'missing',
    message: /ends at seq \d+ but the next file continues from seq \d+: records were removed from its end/,
  },
  {
    note: 'a file renamed',
    damage: async (dir, files) => {
      const name = files[1] as string;
      await rename(join(dir, name), join(dir, name.replace(/T\d{6}Z/, 'T235959Z')));
      return 1;
    },
    kind: 'bad_header',
    message: /header names file audit-000002-\S+: the file was renamed or copied/,
  },
];

describe('verifyLog classifies damage, naming the first broken file and seq', () => {
  for (const c of cases) {
    test(c.note, async (t) => {
      const fx = await logFixture(t);
      await writeLog(fx, 60, LOG);
      const files = await logFiles(fx.dir);
      assert.ok(files.length >= 3, `fixture needs 3+ files, has ${files.length}`);
      const keys = await readVerificationKeys(join(fx.dir, 'audit-keys.jwks.json'));
      assert.equal((await verifyLog(fx.dir, keys)).ok, true, 'the intact log verifies');
      const fileIndex = await c.damage(fx.dir, files);
      const after = await logFiles(fx.dir);
      const result = await verifyLog(fx.dir, keys);
      assert.equal(result.ok, false);
      const problem = result.problem;
      assert.ok(problem !== null);
      assert.equal(problem.kind, c.kind, problem.message);
      assert.match(problem.message, c.message);
      const expectedFile =
        c.kind === 'missing_file' ? after[fileIndex - 1] : (after[fileIndex] ?? files[fileIndex]);
      assert.equal(problem.file, expectedFile);
      if (c.seq !== undefined) assert.equal(problem.seq, c.seq);
    });
  }

  test('a live writer: the unsigned tail is reported, not an error', async (t) => {
    const fx = await logFixture(t);
    const log = await fx.open({ checkpoint: { every_records: 1000 } });
    for (let i = 0; i < 5; i++)
      log.record({
        kind: 'identity',
        decision: 'allow',
        action: 'issue',
        svid: { subject: 'spiffe://mesh.test/x' },
      });
    await log.flush();
    const result = await verifyLog(fx.dir, await readVerificationKeys(join(fx.dir, 'audit-keys.jwks.json')));
    assert.equal(result.ok, true, JSON.stringify(result.problem));
    assert.equal(result.liveWriter, true);
    assert.equal(result.unsignedTail, 6);
    assert.equal(result.closed, false);
  });

  test('record count and first seq of each case fixture are stable', async (t) => {
    const fx = await logFixture(t);
    await writeLog(fx, 60, LOG);
    const first = await readFileLines(join(fx.dir, (await logFiles(fx.dir))[0] as string));
    assert.equal(seqOf(first[0] as string), 1);
    assert.equal(seqOf(first[4] as string), 5);
  });
});
