/**
 * @module Time builtins: `time.now_ns time.parse_ns time.parse_rfc3339_ns time.parse_duration_ns
 * time.format time.date time.clock time.weekday time.add_date time.diff`, with Go layouts, nanosecond
 * precision, IANA zones and OPA's int64 range checks.
 */
import { isNumber, numberFromBigInt, type Value } from '../value/index.js';
import { BuiltinError, operandError } from './builtin-error.js';
import { parseDuration } from './go-duration.js';
import { civil, fromUnixNano, type GoTime, makeDate, toUnixNano, WEEKDAYS } from './go-time.js';
import { formatTime } from './go-time-format.js';
import { parseTime } from './go-time-parse.js';
import { loadLocation, UTC } from './go-time-zone.js';
import type { ImplTable } from './impl-types.js';
import { bigIntOf, smallInt, str } from './operands.js';

/** Layout names OPA accepts in place of a layout. */
const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TZ_EXPECTED = 'either number (ns) or [number (ns), string (tz)]';

/** OPA's tzTime: `ns`, `[ns]`, `[ns, tz]` or `[ns, tz, layout]`. */
function tzTime(v: Value): { t: GoTime; layout: string } {
  let n: Value;
  let loc = UTC;
  let layout = '';
  if (Array.isArray(v)) {
    if (v.length === 0) throw operandError(1, v, TZ_EXPECTED);
    n = v[0] as Value;
    if (!isNumber(n)) throw operandError(1, n, 'number');
    if (v.length > 1) {
      const tz = v[1] as Value;
      if (typeof tz !== 'string') throw operandError(1, tz, 'string');
      loc = loadLocation(tz);
    }
    if (v.length > 2) {
      const l = v[2] as Value;
      if (typeof l !== 'string') throw operandError(1, l, 'string');
      layout = l;
    }
  } else if (isNumber(v)) {
    n = v;
  } else {
    throw operandError(1, v, TZ_EXPECTED);
  }
  const ns = bigIntOf(n);
  if (ns === undefined || ns < INT64_MIN || ns > INT64_MAX) throw new BuiltinError('timestamp too big');
  return { t: fromUnixNano(ns, loc), layout };
}

function parseNs(args: readonly Value[]): Value {
  const layout = str(args, 0);
  const value = str(args, 1);
  return numberFromBigInt(toUnixNano(parseTime(NAMED_LAYOUTS[layout] ?? layout, value)));
}

function format(args: readonly Value[]): Value {
  const { t, layout } = tzTime(args[0] as Value);
  return formatTime(
    t,
    layout === '' ? (NAMED_LAYOUTS.RFC3339Nano as string) : (NAMED_LAYOUTS[layout] ?? layout),
  );
}

function addDate(args: readonly Value[]): Value {
  const { t } = tzTime(args[0] as Value);
  const years = smallInt(args, 1);
  const months = smallInt(args, 2);
  const days = smallInt(args, 3);
  const c = civil(t);
  const out = makeDate(
    c.year + years,
    c.month + months,
    c.day + days,
    c.hour,
    c.minute,
    c.second,
    c.nsec,
    t.loc,
  );
  return numberFromBigInt(toUnixNano(out));
}

/** Calendar difference [years, months, days, hours, minutes, seconds] (the algorithm OPA uses). */
function diff(args: readonly Value[]): Value {
  const a = tzTime(args[0] as Value).t;
  let b = tzTime(args[1] as Value).t;
  b = { ...b, loc: a.loc };
  let [t1, t2] = [a, b];
  if (t1.sec > t2.sec || (t1.sec === t2.sec && t1.nsec > t2.nsec)) [t1, t2] = [t2, t1];
  const c1 = civil(t1);
  const c2 = civil(t2);
  let year = c2.year - c1.year;
  let month = c2.month - c1.month;
  let day = c2.day - c1.day;
  let hour = c2.hour - c1.hour;
  let minute = c2.minute - c1.minute;
  let second = c2.second - c1.second;
  if (second < 0) {
    second += 60;
    minute--;
  }
  if (minute < 0) {
    minute += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    // Days in t1's month: day 32 of that month normalises into the next month.
    const overflow = civil(makeDate(c1.year, c1.month, 32, 0, 0, 0, 0, UTC)).day;
    day += 32 - overflow;
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return [year, month, day, hour, minute, second];
}

export const timeBuiltins: ImplTable = {
  'time.now_ns': { impl: (_args, ctx) => numberFromBigInt(ctx.nowNs), nondeterministic: true },
  'time.parse_ns': parseNs,
  'time.parse_rfc3339_ns': (args) =>
    numberFromBigInt(toUnixNano(parseTime(NAMED_LAYOUTS.RFC3339 as string, str(args, 0)))),
  'time.parse_duration_ns': (args) => numberFromBigInt(parseDuration(str(args, 0))),
  'time.format': format,
  'time.date': (args) => {
    const c = civil(tzTime(args[0] as Value).t);
    return [c.year, c.month, c.day];
  },
  'time.clock': (args) => {
    const c = civil(tzTime(args[0] as Value).t);
    return [c.hour, c.minute, c.second];
  },
  'time.weekday': (args) => WEEKDAYS[civil(tzTime(args[0] as Value).t).weekday] as string,
  'time.add_date': addDate,
  'time.diff': diff,
};
