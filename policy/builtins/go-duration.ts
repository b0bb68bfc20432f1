/**
 * @module Go's time.ParseDuration ("1h30m", "-1.5s", "300ms"), exact to the nanosecond, with Go's errors.
 */
import { BuiltinError } from './builtin-error.js';

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX = 2n ** 63n - 1n;

/** Nanoseconds of a Go duration string. */
export function parseDuration(text: string): bigint {
  const q = JSON.stringify(text);
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new BuiltinError(`time: invalid duration ${q}`);
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s) as RegExpExecArray;
    const whole = m[1] ?? '';
    const frac = m[2];
    if (whole === '' && (frac === undefined || frac === ''))
      throw new BuiltinError(`time: invalid duration ${q}`);
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (u === null) throw new BuiltinError(`time: missing unit in duration ${q}`);
    const unit = UNITS[u[0]];
    if (unit === undefined)
      throw new BuiltinError(`time: unknown unit ${JSON.stringify(u[0])} in duration ${q}`);
    s = s.slice(u[0].length);
    let v = BigInt(whole === '' ? '0' : whole) * unit;
    if (frac !== undefined && frac !== '') {
      // Exact fraction of the unit, truncated to whole nanoseconds as Go does.
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > MAX + (neg ? 1n : 0n)) throw new BuiltinError(`time: invalid duration ${q}`);
  }
  return neg ? -total : total;
}
