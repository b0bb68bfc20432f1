/**
 * @module Formatted records collected as UTF-8 bytes, one buffer per write. Export layer. Each line is
 * encoded as soon as it is made: concatenating a batch into one string and encoding that at the write
 * flattened a deep tree of string pieces first, the largest single cost of an ocsf export.
 */

/** UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

export class ByteBatch {
  readonly #size: number;
  #buffer: Buffer;
  #used = 0;
  #ready: Buffer[] = [];

  constructor(size = 1024 * 1024) {
    this.#size = size;
    this.#buffer = Buffer.allocUnsafe(size);
  }

  /** Append `text` as UTF-8. */
  add(text: string): void {
    const worst = text.length * MAX_BYTES_PER_UNIT;
    if (this.#used + worst > this.#buffer.length) {
      this.#seal();
      if (worst > this.#buffer.length) {
        if (worst > this.#size) {
          this.#ready.push(Buffer.from(text, 'utf8'));
          return;
        }
        this.#buffer = Buffer.allocUnsafe(this.#size);
      }
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
  }

  /** The bytes added since the last call, in order; empty when nothing was added. */
  take(): Buffer[] {
    this.#seal();
    const out = this.#ready;
    this.#ready = [];
    return out;
  }

  /** The filled part goes to the stream, which owns it from now on: continue in the rest of the buffer. */
  #seal(): void {
    if (this.#used === 0) return;
    this.#ready.push(this.#buffer.subarray(0, this.#used));
    this.#buffer = this.#buffer.subarray(this.#used);
    this.#used = 0;
  }
}
