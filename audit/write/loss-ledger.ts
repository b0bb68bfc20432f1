/**
 * @module The record of what could not be written between two gap records: how many records were
 * refused or dropped, when, and why. Write layer. Turned into a `gap` record as soon as writing resumes,
 * so no record is ever lost without a trace in the log itself.
 */

/** Fields of a `gap` record. */
export interface GapFields {
  dropped: number;
  first_at: string;
  last_at: string;
  reason: string;
}

export class LossLedger {
  #count = 0;
  #first = 0;
  #last = 0;
  #reason = '';

  /** Note one record lost at `at` (ms). The first reason of a run of losses is the one recorded. */
  note(at: number, reason: string): void {
    if (this.#count === 0) {
      this.#first = at;
      this.#reason = reason;
    }
    this.#count += 1;
    this.#last = at;
  }

  get pending(): number {
    return this.#count;
  }

  /** The gap to record now (and reset), or null when nothing was lost. */
  take(): GapFields | null {
    if (this.#count === 0) return null;
    const gap = {
      dropped: this.#count,
      first_at: new Date(this.#first).toISOString(),
      last_at: new Date(this.#last).toISOString(),
      reason: this.#reason,
    };
    this.#count = 0;
    return gap;
  }
}
