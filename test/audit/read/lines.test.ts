import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readLines } from '../../../audit/read/lines.js';
import type { Segment } from '../../../audit/segments.js';
import { tempDir } from '../../helpers/tmp.js';

async function collect(segment: Segment) {
  const lines: string[] = [];
  const it = readLines(segment);
  let step = await it.next();
  while (step.done !== true) {
    lines.push(...step.value.lines);
    step = await it.next();
  }
  return { lines, end: step.value };
}

function seg(path: string, gzip: boolean): Segment {
  return { index: 1, name: 'x', path, gzip, bytes: 0, startedAt: 0 };
}

describe('readLines', () => {
  const cases = [
    { note: 'plain, clean', gzip: false, data: 'a\nb\n', lines: ['a', 'b'], end: 'clean' },
    {
      note: 'plain, half-written last line',
      gzip: false,
      data: 'a\nb\n{"seq":',
      lines: ['a', 'b'],
      end: 'torn',
    },
    { note: 'gzip, clean', gzip: true, data: 'a\nb\n', lines: ['a', 'b'], end: 'clean' },
    {
      note: 'gzip, two members concatenated',
      gzip: true,
      data: ['a\n', 'b\n'],
      lines: ['a', 'b'],
      end: 'clean',
    },
    {
      note: 'multi-byte characters split across chunks stay whole',
      gzip: false,
      data: `${'é'.repeat(200_000)}\n`,
      lines: ['é'.repeat(200_000)],
      end: 'clean',
    },
  ];
  for (const c of cases) {
    test(c.note, async (t) => {
      const dir = await tempDir(t);
      const path = join(dir, c.gzip ? 'f.jsonl.gz' : 'f.jsonl');
      const parts = Array.isArray(c.data) ? c.data : [c.data];
      await writeFile(path, c.gzip ? Buffer.concat(parts.map((p) => gzipSync(p))) : parts.join(''));
      const { lines, end } = await collect(seg(path, c.gzip));
      assert.deepEqual(lines, c.lines);
      assert.equal(end.kind, c.end);
      if (end.kind === 'torn') assert.equal(end.bytes, 7);
    });
  }

  test('a damaged gzip stream ends the file as bad_gzip, keeping the lines before it', async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'f.jsonl.gz');
    const body = Array.from({ length: 5000 }, (_, i) => `line ${i} ${Math.random()}`).join('\n');
    await writeFile(path, gzipSync(body));
    const raw = await readFile(path);
    await writeFile(path, raw.subarray(0, raw.length >> 1));
    const { end } = await collect(seg(path, true));
    assert.equal(end.kind, 'bad_gzip');
    assert.match(end.kind === 'bad_gzip' ? end.message : '', /unexpected end of file/);
  });

  test('a plain file that is not gzip but named .gz is bad_gzip, not a crash', async (t) => {
    const dir = await tempDir(t);
    const path = join(dir, 'f.jsonl.gz');
    await writeFile(path, 'plain text\n');
    const { end } = await collect(seg(path, true));
    assert.equal(end.kind, 'bad_gzip');
  });
});
