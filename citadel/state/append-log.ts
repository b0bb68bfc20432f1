/**
 * @module An append-only JSON-lines file with group commit: concurrent appends share one durable write and
 * fsync, so issuing thousands of SVIDs per second does not cost thousands of fsyncs. State layer.
 */
import { readFile } from 'node:fs/promises';
import { appendFileDurable, FileMode } from '../../lib/durable-write.js';

/** Appends resolve only after their line is on disk. */
export class AppendLog {
  readonly path: string;
  #pending: { line: string; resolve: () => void; reject: (err: unknown) => void }[] = [];
  #writing = false;

  constructor(path: string) {
    this.path = path;
  }

  /** Append one record (one JSON line); resolves once it is durable. */
  append(record: object): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      if (!this.#writing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        await appendFileDurable(this.path, batch.map((b) => b.line).join(''), FileMode.public);
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.#writing = false;
  }

  /** Every line of the file (none when it does not exist yet), with 1-based line numbers. */
  async readLines(): Promise<{ line: number; text: string }[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const lines = text.split('\n');
    // A crash mid-append can leave a torn last line without its newline; it is never acknowledged, so skip it.
    if (lines[lines.length - 1] !== '') lines[lines.length - 1] = '';
    return lines.flatMap((t, i) => (t === '' ? [] : [{ line: i + 1, text: t }]));
  }
}
