/**
 * @module Time zones and civil time for the time builtins: IANA zones through Node's Intl (bundled tz data),
 * civil date arithmetic (proleptic Gregorian, as Go), and Go's zone-name conventions.
 */
import { BuiltinError } from './builtin-error.js';

/** A location: UTC, the process's local zone, or an IANA zone. */
export interface Location {
  readonly name: string;
  /** Offset east of UTC, in seconds, at the instant `unixSec`. */
  offsetAt(unixSec: number): number;
  /** Zone abbreviation at `unixSec` ("UTC", "EST", "+0530"). */
  abbreviationAt(unixSec: number): string;
}

export const UTC: Location = { name: 'UTC', offsetAt: () => 0, abbreviationAt: () => 'UTC' };

/** A fixed offset with a given name, as Go fabricates when parsing "-0700" or "MST". */
export function fixedZone(name: string, offsetSec: number): Location {
  return { name, offsetAt: () => offsetSec, abbreviationAt: () => name };
}

const zones = new Map<string, Location>();

/** Go's time.LoadLocation; `""` and `"UTC"` are UTC, `"Local"` is the process's zone. */
export function loadLocation(name: string): Location {
  if (name === '' || name === 'UTC') return UTC;
  const cached = zones.get(name);
  if (cached !== undefined) return cached;
  const tz = name === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  let parts: Intl.DateTimeFormat;
  let names: Intl.DateTimeFormat;
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    names = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' });
  } catch (err) {
    throw new BuiltinError(`unknown time zone ${name}`, { cause: err });
  }
  const offsetAt = (unixSec: number): number => {
    const fields: Record<string, string> = {};
    for (const p of parts.formatToParts(new Date(Math.floor(unixSec) * 1000))) fields[p.type] = p.value;
    let year = Number(fields.year);
    if (fields.era === 'BC' || fields.era === 'B') year = 1 - year;
    const wall =
      daysFromCivil(year, Number(fields.month), Number(fields.day)) * 86400 +
      Number(fields.hour) * 3600 +
      Number(fields.minute) * 60 +
      Number(fields.second);
    return wall - Math.floor(unixSec);
  };
  const abbreviationAt = (unixSec: number): string => {
    const label =
      names.formatToParts(new Date(Math.floor(unixSec) * 1000)).find((p) => p.type === 'timeZoneName')
        ?.value ?? '';
    if (label === 'UTC') return 'UTC';
    if (/^[A-Z]{3,5}$/.test(label) && label !== 'GMT') return label;
    // tz data names zones without a letter abbreviation by their offset ("+04", "+0530"); so does Go.
    return numericAbbreviation(offsetAt(unixSec));
  };
  const loc: Location = { name, offsetAt, abbreviationAt };
  zones.set(name, loc);
  return loc;
}

function numericAbbreviation(offsetSec: number): string {
  if (offsetSec === 0) return 'GMT';
  const sign = offsetSec < 0 ? '-' : '+';
  const abs = Math.abs(offsetSec);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = Math.floor((abs % 3600) / 60);
  return m === 0 ? `${sign}${h}` : `${sign}${h}${String(m).padStart(2, '0')}`;
}

// --- civil calendar (Howard Hinnant's algorithms, valid for any year) ---

/** Days since 1970-01-01 of a proleptic Gregorian date; month and day may be out of range (normalised). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Normalise the month first, as Go's time.Date does.
  const m0 = month - 1;
  const y = year + Math.floor(m0 / 12);
  const m = (((m0 % 12) + 12) % 12) + 1;
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + 1 - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 + (day - 1);
}

/** [year, month 1-12, day 1-31] of a day number since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [m <= 2 ? y + 1 : y, m, d];
}

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  return month === 2
    ? isLeap(year)
      ? 29
      : 28
    : ([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number);
}
