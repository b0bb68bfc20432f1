/**
 * @module The file currently being written. Write layer. Appends batches with one write(2) each, fsyncs
 * on demand, and after a failed write cuts the file back to its last good length so no torn line stays
 * in the middle of a log. Not lib/durable-write: that module replaces or appends whole small files with an
 * fsync per call; an audit log appends thousands of lines per second and syncs on a timer.
 */
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { FileMode } from '../../lib/durable-write.js';

export class SegmentFile {
  readonly name: string;
  readonly path: string;
  readonly openedAt: number;
  #handle: FileHandle;
  #size = 0;
  #dirty = false;

  private constructor(name: string, path: string, handle: FileHandle, openedAt: number) {
    this.name = name;
    this.path = path;
    this.#handle = handle;
    this.openedAt = openedAt;
  }

  /** Create `<dir>/<name>.jsonl` (it must not exist) with mode 0600: audit logs say who called what. */
  static async create(dir: string, name: string, openedAt: number): Promise<SegmentFile> {
    const path = join(dir, `${name}.jsonl`);
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_APPEND;
    const handle = await open(path, flags, FileMode.secret);
    await handle.chmod(FileMode.secret);
    return new SegmentFile(name, path, handle, openedAt);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#size;
  }

  /** Append `data`. On failure the file is cut back to its previous length and the error rethrown. */
  async append(data: string): Promise<void> {
    const bytes = Buffer.from(data, 'utf8');
    try {
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await this.#handle.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
      }
    } catch (err) {
      await this.#handle.truncate(this.#size).catch(() => undefined);
      throw err;
    }
    this.#size += bytes.length;
    this.#dirty = true;
  }

  /** fsync if anything was written since the last sync. */
  async sync(): Promise<void> {
    if (!this.#dirty) return;
    await this.#handle.datasync();
    this.#dirty = false;
  }

  async close(): Promise<void> {
    try {
      await this.sync();
    } finally {
      await this.#handle.close();
    }
  }
}
