/**
 * @module An injectable fake clock for tests (modelled on SPIRE's test/clock): time moves only when the test
 * says so, and `sleep` promises resolve when the clock is advanced past their deadline.
 */

/** Start of every fake clock unless told otherwise: a fixed, ordinary instant. */
export const FAKE_EPOCH = Date.parse('2026-01-15T12:00:00.000Z');

export class FakeClock {
  #now: number;
  #sleepers: { at: number; resolve: () => void }[] = [];

  constructor(start: number | Date = FAKE_EPOCH) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  /** Current fake time, epoch ms (the `Clock` interface). */
  now(): number {
    return this.#now;
  }

  /** Move time forward by `ms`, waking sleepers whose deadline passed. */
  add(ms: number): void {
    this.set(this.#now + ms);
  }

  /** Jump to an absolute time (never backwards). */
  set(ms: number | Date): void {
    const next = typeof ms === 'number' ? ms : ms.getTime();
    if (next < this.#now) throw new RangeError('FakeClock cannot go backwards');
    this.#now = next;
    const due = this.#sleepers.filter((s) => s.at <= next);
    this.#sleepers = this.#sleepers.filter((s) => s.at > next);
    for (const s of due) s.resolve();
  }

  /** A promise resolved once the clock has been advanced by `ms` (or when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { at: this.#now + ms, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Number of pending sleepers (lets a test wait until the code under test is parked). */
  get sleepers(): number {
    return this.#sleepers.length;
  }
}
