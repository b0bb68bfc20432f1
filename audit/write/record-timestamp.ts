/**
 * @module Records' `ts`: RFC 3339 UTC with milliseconds, exactly `new Date(ms).toISOString()`. Write layer.
 * A busy writer stamps thousands of records within the same second, so the text up to the seconds is kept
 * from the last record and only the milliseconds are formatted: a Date and its formatting per record
 * were a tenth of building a record.
 */

/** Epoch ms of 9999-12-31T23:59:59.999Z: past it toISOString switches to six-digit years. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

export class RecordTimestamp {
  /** Start of the second `#prefix` names, in epoch ms. */
  #second = -1;
  /** `YYYY-MM-DDTHH:MM:SS.` of `#second`. */
  #prefix = '';

  /** `new Date(ms).toISOString()`, throwing the same RangeError for a time outside Date's range. */
  format(ms: number): string {
    if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR_MS) return new Date(ms).toISOString();
    const milli = ms % 1000;
    const second = ms - milli;
    if (second !== this.#second) {
      this.#prefix = new Date(second).toISOString().slice(0, 20);
      this.#second = second;
    }
    return `${this.#prefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  }
}
