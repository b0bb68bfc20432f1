/**
 * @module A one-line progress bar on stderr for long exports and verifications. CLI layer. Drawn only
 * when stderr is a terminal; a piped or redirected run gets no control characters.
 */

export interface Progress {
  update(done: number, total: number, label: string): void;
  done(): void;
}

const WIDTH = 30;
const NONE: Progress = { update() {}, done() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr, intervalMs = 100): Progress {
  if (stream.isTTY !== true) return NONE;
  let last = 0;
  let drawn = false;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(ratio * WIDTH);
      stream.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${label}\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
