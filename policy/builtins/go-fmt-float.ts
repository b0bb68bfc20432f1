/**
 * @module Go's float formatting (strconv.FormatFloat via fmt): %e %f %g with exact decimal expansion of the
 * double and round-half-even, and the shortest form %v uses. Builtins layer, used by sprintf.
 */
import { Decimal } from '../value/index.js';

const EXACT = Decimal.clone({
  precision: 1100,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -1200,
  toExpPos: 1200,
});

/** The exact decimal value of a finite double. */
function exact(x: number): InstanceType<typeof EXACT> {
  if (Number.isInteger(x)) return new EXACT(BigInt(x).toString());
  // Every finite double is m / 2^k; its decimal expansion terminates within 1074 digits.
  return new EXACT(binaryExpansion(x));
}

function binaryExpansion(x: number): string {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  // x = mant * 2^e with e < 0 here: mant * 5^-e / 10^-e.
  const digits = (mant * 5n ** BigInt(-e)).toString().padStart(-e + 1, '0');
  const s = `${digits.slice(0, digits.length + e)}.${digits.slice(digits.length + e)}`;
  return neg ? `-${s}` : s;
}

function special(x: number, plus: boolean): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return plus ? '+Inf' : 'Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  return undefined;
}

/** Go exponent text: at least two digits (`e+06`). */
function goExponent(e: number, upper: boolean): string {
  const sign = e < 0 ? '-' : '+';
  return `${upper ? 'E' : 'e'}${sign}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** %e / %E with `prec` digits after the point. */
export function formatE(x: number, prec: number, upper = false): string {
  const s = special(x, false);
  if (s !== undefined) return s;
  const d = exact(x);
  const t = d.toExponential(prec, EXACT.ROUND_HALF_EVEN);
  const [m, e] = t.split('e') as [string, string];
  return m + goExponent(Number(e), upper);
}

/** %f with `prec` digits after the point. */
export function formatF(x: number, prec: number): string {
  const s = special(x, false);
  if (s !== undefined) return s;
  const out = exact(x).toFixed(prec, EXACT.ROUND_HALF_EVEN);
  return Object.is(x, -0) || (x < 0 && !out.startsWith('-')) ? `-${out}` : out;
}

/**
 * %g: precision `prec` significant digits (-1 = shortest round-trip). Exponent form when the exponent is
 * < -4 or >= the precision (6 for the shortest form), as strconv does; `sharp` keeps trailing zeros.
 */
export function formatG(x: number, prec: number, upper = false, sharp = false): string {
  const s = special(x, false);
  if (s !== undefined) return s;
  let digits: string;
  let exp: number;
  if (prec < 0) {
    const t = x.toExponential(); // shortest round-trip digits
    const [m, e] = t.split('e') as [string, string];
    digits = m.replace('-', '').replace('.', '');
    exp = Number(e);
  } else {
    const p = prec === 0 ? 1 : prec;
    const t = exact(x).toExponential(p - 1, EXACT.ROUND_HALF_EVEN);
    const [m, e] = t.split('e') as [string, string];
    digits = m.replace('-', '').replace('.', '');
    if (!sharp) digits = digits.replace(/0+$/, '') || '0';
    exp = Number(e);
  }
  let eprec = prec < 0 ? 6 : prec === 0 ? 1 : prec;
  if (prec >= 0 && eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  if (prec < 0) eprec = 6;
  const neg = x < 0 || Object.is(x, -0) ? '-' : '';
  if (exp < -4 || exp >= eprec) {
    const frac = digits.slice(1);
    return `${neg}${digits[0]}${frac === '' ? '' : `.${frac}`}${goExponent(exp, upper)}`;
  }
  // %f form with exactly the significant digits.
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${neg}${intPart}${frac === '' ? '' : `.${frac}`}`;
}
