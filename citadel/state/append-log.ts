/**
 * @module An append-only JSON-lines file with group commit: concurrent appends share durable writes, so
 * issuing thousands of SVIDs per second does not cost thousands of fsyncs, and writes overlap with the
 * issuances still being computed. State layer.
 */
import { close, fdatasync, constants as fsConstants, fstatSync, open, statSync, write } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { appendFileDurable, FileMode, writeFileDurable } from '../../lib/durable-write.js';

const openAsync = promisify(open);
const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

// O_DSYNC makes write(2) return only once the data (and the size needed to read it back) is on disk, so a
// batch costs one system call on the thread pool, not write + fdatasync + the event-loop turns between.
const O_DSYNC: number = fsConstants.O_DSYNC ?? 0;

/** Appends waiting beyond this many start their write at once instead of at the end of the turn. */
const MAX_GROUP = 32;
/** The descriptor is closed after this long without appends (no descriptor kept by idle logs). */
const IDLE_CLOSE_MS = 2000;

interface PendingLine {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface OpenFile {
  fd: number;
  ino: number;
  dev: number;
  writes: number;
  stale: boolean;
}

/**
 * Appends resolve only after their line is on disk. Several group writes may be in flight at once: each
 * is one `write(2)` on an `O_APPEND` descriptor, so lines never interleave, and the order of lines written
 * by concurrent groups is not significant to readers.
 */
export class AppendLog {
  readonly path: string;
  #pending: PendingLine[] = [];
  #scheduled = false;
  #file: OpenFile | undefined;
  #opening: Promise<OpenFile> | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  /** Group writes in flight, and a rewrite waiting for them (appends queue meanwhile). */
  #inFlight = 0;
  #drained: (() => void) | undefined;
  #rewriting = false;
  /** Bytes this process has appended since the last rewrite (a cheap size trigger for compaction). */
  #appendedBytes = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Append one record (one JSON line); resolves once it is durable. */
  append(record: object): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      if (this.#pending.length >= MAX_GROUP) this.#dispatch();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        // The rest of this turn's appends join the group.
        setImmediate(() => {
          this.#scheduled = false;
          this.#dispatch();
        });
      }
    });
  }

  #dispatch(): void {
    if (this.#pending.length === 0 || this.#rewriting) return;
    const batch = this.#pending;
    this.#pending = [];
    const data = Buffer.from(batch.map((b) => b.line).join(''));
    this.#inFlight++;
    this.#writeDurably(data)
      .then(
        () => {
          this.#appendedBytes += data.length;
          for (const b of batch) b.resolve();
        },
        (err: unknown) => {
          for (const b of batch) b.reject(err);
        },
      )
      .finally(() => {
        this.#inFlight--;
        if (this.#inFlight === 0) this.#drained?.();
      });
  }

  /** Bytes appended through this object since it was created or last rewrote the file. */
  get appendedBytes(): number {
    return this.#appendedBytes;
  }

  /**
   * Atomically replace the file with `transform(lines)` (durable temp file + rename). This object's appends
   * wait meanwhile; other processes must not append during a rewrite (callers hold the CA lock, which every
   * other appender takes). The torn tail of a crashed append is dropped, as `readLines` does.
   */
  async rewrite(transform: (lines: { line: number; text: string }[]) => string): Promise<void> {
    if (this.#rewriting) throw new Error(`${this.path}: a rewrite is already running`);
    this.#rewriting = true;
    try {
      if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      this.#drained = undefined;
      const text = transform(await this.readLines());
      await writeFileDurable(this.path, text, { mode: FileMode.public });
      if (this.#file !== undefined) this.#retire(this.#file);
      this.#appendedBytes = 0;
    } finally {
      this.#rewriting = false;
      this.#dispatch();
    }
  }

  async #writeDurably(data: Buffer, attempt = 1): Promise<void> {
    clearTimeout(this.#idleTimer);
    const file = await this.#current();
    file.writes++;
    try {
      await writeAsync(file.fd, data, 0, data.length, null);
      if (O_DSYNC === 0) await fdatasyncAsync(file.fd);
    } finally {
      file.writes--;
    }
    // Another process may have replaced the file (an atomic rewrite such as a compaction) while this
    // descriptor was open: then the line went to the old inode, so append it again to the file now at
    // the path. Checked after the write completed, so a replacement during the write is seen too.
    if (!this.#stillAtPath(file)) {
      this.#retire(file);
      if (attempt >= 3) throw new Error(`${this.path}: replaced during every append attempt`);
      await this.#writeDurably(data, attempt + 1);
      return;
    }
    this.#scheduleIdleClose();
  }

  #stillAtPath(file: OpenFile): boolean {
    try {
      const st = statSync(this.path);
      return st.ino === file.ino && st.dev === file.dev;
    } catch {
      return false;
    }
  }

  async #current(): Promise<OpenFile> {
    if (this.#file !== undefined && !this.#file.stale) return this.#file;
    this.#opening ??= this.#openFile().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #openFile(): Promise<OpenFile> {
    // The durable helper creates a missing file with its mode and a durable directory entry (and fixes the
    // mode of an existing one); the descriptor kept for appends is opened without O_CREAT.
    await appendFileDurable(this.path, '', FileMode.public);
    const fd = await openAsync(this.path, fsConstants.O_WRONLY | fsConstants.O_APPEND | O_DSYNC);
    const st = fstatSync(fd);
    const file: OpenFile = { fd, ino: st.ino, dev: st.dev, writes: 0, stale: false };
    this.#file = file;
    return file;
  }

  /** Stop using a descriptor; it is closed once its in-flight writes are done. */
  #retire(file: OpenFile): void {
    file.stale = true;
    if (this.#file === file) this.#file = undefined;
    const tryClose = (): void => {
      if (file.writes > 0) setTimeout(tryClose, 10).unref();
      else close(file.fd, () => undefined);
    };
    tryClose();
  }

  #scheduleIdleClose(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      const file = this.#file;
      if (file !== undefined && this.#pending.length === 0) this.#retire(file);
    }, IDLE_CLOSE_MS);
    this.#idleTimer.unref();
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
