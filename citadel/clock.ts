/**
 * @module The clock citadel reads time from. Injected everywhere so tests control time exactly.
 */

/** A source of the current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
