/**
 * @module Parse `--since`/`--until` values. CLI layer. Accepts RFC 3339 (`2026-11-24T10:00:00Z`, with
 * an offset or `Z`), a UTC date (`2026-11-24`), or a duration ago (`90m`, `24h`, `7d`).
 */
import { parseDuration } from '../../lib/duration.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/;

/** Milliseconds since the epoch for a time flag value; throws RangeError with the accepted forms. */
export function parseTimeFlag(text: string, now: number = Date.now()): number {
  const value = text.trim();
  let ms = Number.NaN;
  if (RFC3339.test(value)) ms = Date.parse(value.replace(' ', 'T'));
  else if (DATE.test(value)) ms = Date.parse(`${value}T00:00:00Z`);
  else if (DURATION.test(value)) ms = now - parseDuration(value);
  if (Number.isNaN(ms)) {
    throw new RangeError(
      `invalid time "${text}": expected RFC 3339 (2026-11-24T10:00:00Z), a UTC date (2026-11-24) or a duration ago (24h)`,
    );
  }
  return ms;
}
