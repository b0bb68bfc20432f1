/**
 * @module Go's time.Parse over a reference-time layout: field widths, names, fractional seconds after
 * seconds, zone offsets and abbreviations, range checks, and Go's error texts.
 */
import { BuiltinError } from './builtin-error.js';
import { type GoTime, MONTHS, makeDate, WEEKDAYS } from './go-time.js';
import { nextChunk } from './go-time-layout.js';
import { daysIn, fixedZone, type Location, UTC } from './go-time-zone.js';

const isDigitAt = (s: string, i: number): boolean =>
  i < s.length && (s[i] as string) >= '0' && (s[i] as string) <= '9';

function parseError(
  value: string,
  layout: string,
  valueElem: string,
  layoutElem: string,
  message = '',
): BuiltinError {
  const q = JSON.stringify;
  if (message !== '') return new BuiltinError(`parsing time ${q(value)}${message}`);
  return new BuiltinError(
    `parsing time ${q(value)} as ${q(layout)}: cannot parse ${q(valueElem)} as ${q(layoutElem)}`,
  );
}

/** Leading digits: exactly `fixed` when > 0, else one or two. */
function getNum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function lookupName(names: readonly string[], s: string, len?: number): [number, string] | undefined {
  for (let i = 0; i < names.length; i++) {
    const n = len === undefined ? (names[i] as string) : (names[i] as string).slice(0, len);
    if (s.length >= n.length && s.slice(0, n.length).toLowerCase() === n.toLowerCase())
      return [i, s.slice(n.length)];
  }
  return undefined;
}

/** Go's time.Parse (no default location: a time without zone information is UTC). */
export function parseTime(layout: string, value: string): GoTime {
  const alayout = layout;
  const avalue = value;
  let year = 1;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffset: number | undefined;
  let zoneName = '';
  let rest = layout;
  let v = value;
  for (;;) {
    const ch = nextChunk(rest);
    const stdText = ch.text;
    if (!v.startsWith(ch.prefix)) throw parseError(avalue, alayout, v, ch.prefix);
    v = v.slice(ch.prefix.length);
    if (ch.std === undefined) {
      if (v.length !== 0) throw parseError(avalue, alayout, '', '', `: extra text: ${JSON.stringify(v)}`);
      break;
    }
    rest = ch.suffix;
    const hold = v;
    const bad = (): BuiltinError => parseError(avalue, alayout, hold, stdText);
    let r: [number, string] | undefined;
    switch (ch.std) {
      case 'Year':
        if (v.length < 2 || !/^\d\d/.test(v)) throw bad();
        year = Number(v.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        v = v.slice(2);
        break;
      case 'LongYear':
        if (v.length < 4 || !/^\d{4}/.test(v)) throw bad();
        year = Number(v.slice(0, 4));
        v = v.slice(4);
        break;
      case 'Month':
      case 'LongMonth':
        r = lookupName(MONTHS, v, ch.std === 'Month' ? 3 : undefined);
        if (r === undefined) throw bad();
        [month, v] = [r[0] + 1, r[1]];
        break;
      case 'NumMonth':
      case 'ZeroMonth':
        r = getNum(v, ch.std === 'ZeroMonth');
        if (r === undefined) throw bad();
        if (r[0] <= 0 || r[0] > 12) throw parseError(avalue, alayout, '', '', ': month out of range');
        [month, v] = r;
        break;
      case 'WeekDay':
      case 'LongWeekDay':
        r = lookupName(WEEKDAYS, v, ch.std === 'WeekDay' ? 3 : undefined);
        if (r === undefined) throw bad();
        v = r[1];
        break;
      case 'Day':
      case 'UnderDay':
      case 'ZeroDay':
        if (ch.std === 'UnderDay' && v.startsWith(' ')) v = v.slice(1);
        r = getNum(v, ch.std === 'ZeroDay');
        if (r === undefined) throw bad();
        [day, v] = r;
        break;
      case 'UnderYearDay':
      case 'ZeroYearDay': {
        if (ch.std === 'UnderYearDay') v = v.replace(/^ {1,2}/, '');
        const m = /^\d{1,3}/.exec(v);
        if (m === null || (ch.std === 'ZeroYearDay' && m[0].length !== 3)) throw bad();
        yday = Number(m[0]);
        v = v.slice(m[0].length);
        break;
      }
      case 'Hour':
        r = getNum(v, false);
        if (r === undefined || r[0] > 23)
          throw r === undefined ? bad() : parseError(avalue, alayout, '', '', ': hour out of range');
        [hour, v] = r;
        break;
      case 'Hour12':
      case 'ZeroHour12':
        r = getNum(v, ch.std === 'ZeroHour12');
        if (r === undefined || r[0] > 12)
          throw r === undefined ? bad() : parseError(avalue, alayout, '', '', ': hour out of range');
        [hour, v] = r;
        break;
      case 'Minute':
      case 'ZeroMinute':
        r = getNum(v, ch.std === 'ZeroMinute');
        if (r === undefined || r[0] > 59)
          throw r === undefined ? bad() : parseError(avalue, alayout, '', '', ': minute out of range');
        [min, v] = r;
        break;
      case 'Second':
      case 'ZeroSecond': {
        r = getNum(v, ch.std === 'ZeroSecond');
        if (r === undefined || r[0] > 59)
          throw r === undefined ? bad() : parseError(avalue, alayout, '', '', ': second out of range');
        [sec, v] = r;
        // Go accepts a fractional second after seconds even when the layout has none.
        const next = nextChunk(rest);
        const frac = /^[.,](\d+)/.exec(v);
        if (frac !== null && !(next.std === 'FracSecond0' || next.std === 'FracSecond9')) {
          nsec = Number(frac[1]?.padEnd(9, '0').slice(0, 9));
          v = v.slice(frac[0].length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const p = v.slice(0, 2);
        if (p.toUpperCase() === 'PM') pmSet = true;
        else if (p.toUpperCase() === 'AM') amSet = true;
        else throw bad();
        if (ch.std === 'PM' ? p !== p.toUpperCase() : p !== p.toLowerCase()) throw bad();
        v = v.slice(2);
        break;
      }
      case 'TZ': {
        if (v.startsWith('UTC')) {
          zoneOffset = 0;
          zoneName = 'UTC';
          v = v.slice(3);
          break;
        }
        const m = /^(?:[A-Z]{3,5}|GMT[+-]\d{1,2})/.exec(v);
        if (m === null) throw bad();
        zoneName = m[0];
        v = v.slice(m[0].length);
        break;
      }
      case 'FracSecond0': {
        const m = new RegExp(`^[.,](\\d{${ch.digits}})`).exec(v);
        if (m === null) throw bad();
        nsec = Number(m[1]?.padEnd(9, '0').slice(0, 9));
        v = v.slice(m[0].length);
        break;
      }
      case 'FracSecond9': {
        const m = /^[.,](\d+)/.exec(v);
        if (m === null) break; // optional
        nsec = Number(m[1]?.padEnd(9, '0').slice(0, 9));
        v = v.slice(m[0].length);
        break;
      }
      default: {
        // Numeric and ISO 8601 zones.
        if (ch.std.startsWith('ISO') && v.startsWith('Z')) {
          v = v.slice(1);
          zoneOffset = 0;
          zoneName = 'UTC';
          break;
        }
        const colon = ch.std.includes('Colon');
        const short = ch.std.includes('Short');
        const seconds = ch.std.includes('Seconds');
        const re = new RegExp(
          `^([+-])(\\d\\d)${short ? '' : `${colon ? ':' : ''}(\\d\\d)`}${seconds ? `${colon ? ':' : ''}(\\d\\d)` : ''}`,
        );
        const m = re.exec(v);
        if (m === null) throw bad();
        const hh = Number(m[2]);
        const mm = short ? 0 : Number(m[3]);
        const ss = seconds ? Number(m[4]) : 0;
        if (hh > 24 || mm > 60 || ss > 60)
          throw parseError(avalue, alayout, '', '', ': time zone offset out of range');
        zoneOffset = (m[1] === '-' ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
        v = v.slice(m[0].length);
      }
    }
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let m = 0;
    let d = yday;
    if (yday < 1 || yday > (daysIn(2, year) === 29 ? 366 : 365)) {
      throw parseError(avalue, alayout, '', '', ': day-of-year out of range');
    }
    for (m = 1; m <= 12 && d > daysIn(m, year); m++) d -= daysIn(m, year);
    if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) {
      throw parseError(avalue, alayout, '', '', ': day-of-year does not match month or day');
    }
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw parseError(avalue, alayout, '', '', ': day out of range');
  let loc: Location = UTC;
  if (zoneOffset !== undefined)
    loc = zoneOffset === 0 && zoneName === 'UTC' ? UTC : fixedZone(zoneName, zoneOffset);
  else if (zoneName !== '') loc = fixedZone(zoneName, 0);
  return makeDate(year, month, day, hour, min, sec, nsec, loc);
}
