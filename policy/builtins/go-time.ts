/**
 * @module Go `time.Time` essentials for the time builtins: an instant (unix seconds + nanoseconds) in a
 * location, its civil fields, Go's `Date` normalisation (AddDate), and the int64-nanosecond range check.
 */
import { BuiltinError } from './builtin-error.js';
import { civilFromDays, daysFromCivil, type Location, UTC } from './go-time-zone.js';

export interface GoTime {
  /** Seconds since the epoch (UTC), an integer. */
  readonly sec: number;
  /** Nanoseconds within the second, 0..999,999,999. */
  readonly nsec: number;
  readonly loc: Location;
}

export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nsec: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 1-based day of the year. */
  yday: number;
  offset: number;
}

const NS = 1_000_000_000n;
const MIN_NS = -(2n ** 63n);
const MAX_NS = 2n ** 63n - 1n;

/** time.Unix(0, ns).In(loc). */
export function fromUnixNano(ns: bigint, loc: Location = UTC): GoTime {
  let sec = ns / NS;
  let nsec = ns % NS;
  if (nsec < 0n) {
    nsec += NS;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec), loc };
}

/** t.UnixNano(), or the error OPA raises outside the int64 range. */
export function toUnixNano(t: GoTime): bigint {
  const ns = BigInt(t.sec) * NS + BigInt(t.nsec);
  if (ns < MIN_NS || ns > MAX_NS) throw new BuiltinError('time outside of valid range');
  return ns;
}

export function civil(t: GoTime): Civil {
  const offset = t.loc.offsetAt(t.sec);
  const local = t.sec + offset;
  const days = Math.floor(local / 86400);
  const secs = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    nsec: t.nsec,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    offset,
  };
}

/**
 * Go's time.Date: fields may be out of range and are normalised; the wall time is interpreted in `loc`
 * (using the offset in force at that wall time, as Go's lookup does).
 */
export function makeDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nsec: number,
  loc: Location,
): GoTime {
  const extraSec = Math.floor(nsec / 1e9);
  const ns = nsec - extraSec * 1e9;
  const wall = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second + extraSec;
  let offset = loc.offsetAt(wall);
  const utc = wall - offset;
  const second2 = loc.offsetAt(utc);
  if (second2 !== offset) offset = second2;
  return { sec: wall - offset, nsec: ns, loc };
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
