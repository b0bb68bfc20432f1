/**
 * @module Background file work of the writer: gzip of rotated files and removal of files retention
 * gave up, off the drain loop, with failures counted and logged rather than thrown. Write layer.
 */
import { unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import { compressSegment } from './compress.js';
import type { Removal } from './retention.js';

export class Housekeeping {
  readonly #logger: Logger;
  readonly #onError: () => void;
  readonly #tasks = new Set<Promise<void>>();

  constructor(logger: Logger, onError: () => void) {
    this.#logger = logger;
    this.#onError = onError;
  }

  /** Compress `paths` one after the other in the background, then call `then`. */
  compress(paths: readonly string[], then?: () => void): void {
    const run = async () => {
      for (const path of paths) {
        await compressSegment(path).catch((err: unknown) => {
          this.#onError();
          this.#logger.error(
            { file: path, err: (err as Error).message },
            'audit: gzip failed; file kept uncompressed',
          );
        });
      }
      then?.();
    };
    const task = run();
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
  }

  /** Remove files retention gave up (their retention record is already written and synced). */
  async remove(removals: readonly Removal[]): Promise<void> {
    for (const r of removals) {
      await unlink(r.segment.path).catch((err: unknown) => {
        this.#onError();
        this.#logger.error(
          { file: r.segment.path, err: (err as Error).message },
          'audit retention: cannot remove file',
        );
      });
    }
  }

  get busy(): boolean {
    return this.#tasks.size > 0;
  }

  /** Wait for the background work running now. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#tasks]);
  }
}

/** Fields of the `retention` record announcing `removals`. */
export function retentionFields(removals: readonly Removal[]): Record<string, unknown> {
  return {
    removed: removals.map((r) => ({
      file: r.segment.name,
      bytes: r.segment.bytes,
      last_seq: r.lastSeq,
      last_hash: r.lastHash,
      reason: r.reason,
    })),
  };
}
