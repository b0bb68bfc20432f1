/**
 * @module Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"): splitting a layout into literal text
 * and elements, exactly as Go's nextStdChunk does. Shared by go-time-format.ts and go-time-parse.ts.
 */

export type Std =
  | 'LongMonth'
  | 'Month'
  | 'NumMonth'
  | 'ZeroMonth'
  | 'LongWeekDay'
  | 'WeekDay'
  | 'Day'
  | 'UnderDay'
  | 'ZeroDay'
  | 'UnderYearDay'
  | 'ZeroYearDay'
  | 'Hour'
  | 'Hour12'
  | 'ZeroHour12'
  | 'Minute'
  | 'ZeroMinute'
  | 'Second'
  | 'ZeroSecond'
  | 'LongYear'
  | 'Year'
  | 'PM'
  | 'pm'
  | 'TZ'
  | 'ISO8601TZ'
  | 'ISO8601SecondsTZ'
  | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ'
  | 'NumTZ'
  | 'NumSecondsTz'
  | 'NumShortTZ'
  | 'NumColonTZ'
  | 'NumColonSecondsTZ'
  | 'FracSecond0'
  | 'FracSecond9';

export interface Chunk {
  prefix: string;
  std: Std | undefined;
  /** The layout text of the element, for error messages. */
  text: string;
  /** Fraction digits and separator for FracSecond*. */
  digits: number;
  sep: string;
  suffix: string;
}

const ZERO_X: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
const TZ_FORMS: [string, Std][] = [
  ['070000', 'NumSecondsTz'],
  ['07:00:00', 'NumColonSecondsTZ'],
  ['0700', 'NumTZ'],
  ['07:00', 'NumColonTZ'],
  ['07', 'NumShortTZ'],
];
const ISO_FORMS: Record<string, Std> = {
  NumSecondsTz: 'ISO8601SecondsTZ',
  NumColonSecondsTZ: 'ISO8601ColonSecondsTZ',
  NumTZ: 'ISO8601TZ',
  NumColonTZ: 'ISO8601ColonTZ',
  NumShortTZ: 'ISO8601ShortTZ',
};

const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isDigitAt = (s: string, i: number): boolean =>
  i < s.length && (s[i] as string) >= '0' && (s[i] as string) <= '9';

/** Go's nextStdChunk: the text before the first layout element, the element, and the rest. */
export function nextChunk(layout: string): Chunk {
  const out = (i: number, std: Std, len: number, extra: Partial<Chunk> = {}): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    text: layout.slice(i, i + len),
    digits: 0,
    sep: '.',
    suffix: layout.slice(i + len),
    ...extra,
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const rest = layout.slice(i);
    switch (c) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return out(i, 'LongMonth', 7);
          if (!isLower(rest[3])) return out(i, 'Month', 3);
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return out(i, 'LongWeekDay', 6);
          if (!isLower(rest[3])) return out(i, 'WeekDay', 3);
        }
        if (rest.startsWith('MST')) return out(i, 'TZ', 3);
        break;
      case '0':
        if (rest.length >= 2 && (rest[1] as string) >= '1' && (rest[1] as string) <= '6') {
          return out(i, ZERO_X[(rest.charCodeAt(1) - 49) as number] as Std, 2);
        }
        if (rest.startsWith('002')) return out(i, 'ZeroYearDay', 3);
        break;
      case '1':
        if (rest[1] === '5') return out(i, 'Hour', 2);
        return out(i, 'NumMonth', 1);
      case '2':
        if (rest.startsWith('2006')) return out(i, 'LongYear', 4);
        return out(i, 'Day', 1);
      case '_':
        if (rest[1] === '2') {
          if (rest.startsWith('_2006'))
            return { ...out(i + 1, 'LongYear', 4), prefix: layout.slice(0, i + 1) };
          return out(i, 'UnderDay', 2);
        }
        if (rest.startsWith('__2')) return out(i, 'UnderYearDay', 3);
        break;
      case '3':
        return out(i, 'Hour12', 1);
      case '4':
        return out(i, 'Minute', 1);
      case '5':
        return out(i, 'Second', 1);
      case 'P':
        if (rest[1] === 'M') return out(i, 'PM', 2);
        break;
      case 'p':
        if (rest[1] === 'm') return out(i, 'pm', 2);
        break;
      case '-':
      case 'Z':
        for (const [form, std] of TZ_FORMS) {
          if (rest.startsWith(form, 1))
            return out(i, c === '-' ? std : (ISO_FORMS[std] as Std), form.length + 1);
        }
        break;
      case '.':
      case ',':
        if (rest[1] === '0' || rest[1] === '9') {
          const ch = rest[1];
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return out(i, ch === '0' ? 'FracSecond0' : 'FracSecond9', j - i, { digits: j - i - 1, sep: c });
          }
        }
        break;
      default:
        break;
    }
  }
  return { prefix: layout, std: undefined, text: '', digits: 0, sep: '.', suffix: '' };
}
