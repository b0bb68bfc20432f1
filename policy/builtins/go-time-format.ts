/**
 * @module Go's Time.Format over a reference-time layout: field widths and padding, month and weekday names,
 * zone forms (`MST`, `-07:00`, `Z07:00`, …) and truncated fractional seconds.
 */
import { civil, type GoTime, MONTHS, WEEKDAYS } from './go-time.js';
import { nextChunk, type Std } from './go-time-layout.js';

const pad = (n: number, width: number): string => {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
};

function formatZone(std: Std, offset: number): string {
  const iso = std.startsWith('ISO');
  if (iso && offset === 0) return 'Z';
  const zone = Math.trunc(offset / 60);
  const abs = Math.abs(zone);
  let out = zone < 0 ? '-' : '+';
  out += pad(Math.floor(abs / 60), 2);
  const colon = std.includes('Colon');
  if (!std.includes('Short')) out += (colon ? ':' : '') + pad(abs % 60, 2);
  if (std.includes('Seconds')) out += (colon ? ':' : '') + pad(Math.abs(offset) % 60, 2);
  return out;
}

/** Go's Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const c = civil(t);
  let out = '';
  let rest = layout;
  for (;;) {
    const ch = nextChunk(rest);
    out += ch.prefix;
    if (ch.std === undefined) break;
    rest = ch.suffix;
    switch (ch.std) {
      case 'Year':
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case 'LongYear':
        out += pad(c.year, 4);
        break;
      case 'Month':
        out += (MONTHS[c.month - 1] as string).slice(0, 3);
        break;
      case 'LongMonth':
        out += MONTHS[c.month - 1];
        break;
      case 'NumMonth':
        out += String(c.month);
        break;
      case 'ZeroMonth':
        out += pad(c.month, 2);
        break;
      case 'WeekDay':
        out += (WEEKDAYS[c.weekday] as string).slice(0, 3);
        break;
      case 'LongWeekDay':
        out += WEEKDAYS[c.weekday];
        break;
      case 'Day':
        out += String(c.day);
        break;
      case 'UnderDay':
        out += c.day < 10 ? ` ${c.day}` : String(c.day);
        break;
      case 'ZeroDay':
        out += pad(c.day, 2);
        break;
      case 'UnderYearDay':
        out += String(c.yday).padStart(3, ' ');
        break;
      case 'ZeroYearDay':
        out += pad(c.yday, 3);
        break;
      case 'Hour':
        out += pad(c.hour, 2);
        break;
      case 'Hour12':
        out += String(c.hour % 12 === 0 ? 12 : c.hour % 12);
        break;
      case 'ZeroHour12':
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        break;
      case 'Minute':
        out += String(c.minute);
        break;
      case 'ZeroMinute':
        out += pad(c.minute, 2);
        break;
      case 'Second':
        out += String(c.second);
        break;
      case 'ZeroSecond':
        out += pad(c.second, 2);
        break;
      case 'PM':
        out += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += c.hour >= 12 ? 'pm' : 'am';
        break;
      case 'TZ': {
        const name = t.loc.abbreviationAt(t.sec);
        out += name !== '' ? name : formatZone('NumTZ', c.offset);
        break;
      }
      case 'FracSecond0':
        out += ch.sep + String(c.nsec).padStart(9, '0').slice(0, ch.digits);
        break;
      case 'FracSecond9': {
        const digits = String(c.nsec).padStart(9, '0').slice(0, ch.digits).replace(/0+$/, '');
        if (digits !== '') out += ch.sep + digits;
        break;
      }
      default:
        out += formatZone(ch.std, c.offset);
    }
  }
  return out;
}
