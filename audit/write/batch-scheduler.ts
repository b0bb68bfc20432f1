/**
 * @module When the writer's drain loop runs. Write layer. The first record after a write waits up to
 * `delay` so the records of the next moments share one write; once `now` records wait, they go at once.
 */

export class BatchScheduler {
  readonly #run: () => void;
  readonly #delay: number;
  readonly #now: number;
  #scheduled = false;
  #timer: NodeJS.Timeout | null = null;

  /** `run` starts a drain; `delay` in ms (0: next turn of the event loop); `now`: records that skip it. */
  constructor(run: () => void, delay: number, now: number) {
    this.#run = run;
    this.#delay = delay;
    this.#now = now;
  }

  /** A record was queued (`queued` now wait): make sure a drain is coming. */
  request(queued: number): void {
    if (this.#scheduled) {
      // Enough waiting for one good write: do not hold them for the rest of the delay.
      if (queued >= this.#now && this.#timer !== null) {
        clearTimeout(this.#timer);
        this.#timer = null;
        this.#scheduled = false;
        this.#run();
      }
      return;
    }
    this.#scheduled = true;
    const run = () => {
      this.#timer = null;
      this.#scheduled = false;
      this.#run();
    };
    if (this.#delay === 0) setImmediate(run);
    else this.#timer = setTimeout(run, this.#delay);
  }

  /** Closing: the pending delayed drain is not needed (close drains itself). */
  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
