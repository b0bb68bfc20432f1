/**
 * @module `sprintf` with Go's fmt rules. OPA hands fmt.Sprintf an int64 for integers that fit, a *big.Int for
 * larger integers, a float64 for other numbers, the string for strings, and the Rego text of anything else
 * (so `%v` of an array prints `["a", 1]`, and `%d` of a string prints `%!d(string=…)`).
 */
import { type BigNum, formatNumber, isNumber, toRegoString, type Value } from '../value/index.js';
import { operandError } from './builtin-error.js';
import { formatE, formatF, formatG } from './go-fmt-float.js';
import { goQuote } from './go-quote.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

type Arg =
  | { kind: 'int'; v: bigint } // int64
  | { kind: 'bigint'; v: bigint } // *big.Int
  | { kind: 'float'; v: number }
  | { kind: 'string'; v: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toArg(x: Value): Arg {
  if (typeof x === 'string') return { kind: 'string', v: x };
  if (isNumber(x)) {
    // OPA tries int64, then big.Int from the number's decimal text, then float64, then the text itself.
    const text = formatNumber(x);
    if (/^-?\d+$/.test(text)) {
      const i = BigInt(text);
      return i >= INT64_MIN && i <= INT64_MAX ? { kind: 'int', v: i } : { kind: 'bigint', v: i };
    }
    const f = typeof x === 'number' ? x : (x as BigNum).decimal.toNumber();
    if (!Number.isFinite(f)) return { kind: 'string', v: text };
    return { kind: 'float', v: f };
  }
  return { kind: 'string', v: toRegoString(x) };
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const typeName = (a: Arg): string =>
  a.kind === 'int' ? 'int' : a.kind === 'bigint' ? '*big.Int' : a.kind === 'float' ? 'float64' : 'string';

function rawValue(a: Arg): string {
  if (a.kind === 'string') return a.v;
  if (a.kind === 'float') return formatG(a.v, -1);
  return a.v.toString();
}

/** `%!verb(type=value)`, Go's report of a verb that does not fit the argument. */
// *big.Int implements fmt.Formatter, and its Format writes unknown verbs as `%!e(big.Int=…)` (no `*`).
const badVerb = (verb: string, a: Arg): string =>
  `%!${verb}(${a.kind === 'bigint' ? 'big.Int' : typeName(a)}=${rawValue(a)})`;

/** Pad to the width: left with spaces (or zeros after the sign), right with spaces for `-`. */
function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  const len = Array.from(s).length;
  if (len >= w) return s;
  const fill = w - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero) {
    const sign = numeric && /^[+\- ]/.test(s) ? (s[0] as string) : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function signed(neg: boolean, digits: string, spec: Spec): string {
  if (neg) return `-${digits}`;
  if (spec.plus) return `+${digits}`;
  if (spec.space) return ` ${digits}`;
  return digits;
}

function fmtInteger(v: bigint, verb: string, spec: Spec): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
    case 's':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (spec.sharp && digits !== '0') prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    default:
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && v === 0n) digits = '';
    digits = digits.padStart(spec.prec, '0');
  }
  const s = signed(neg, prefix + digits, spec);
  return pad(s, { ...spec, zero: spec.zero && spec.prec === undefined }, true);
}

function fmtFloat(v: number, verb: string, spec: Spec): string {
  let s: string;
  switch (verb) {
    case 'e':
    case 'E':
      s = formatE(Math.abs(v), spec.prec ?? 6, verb === 'E');
      break;
    case 'f':
    case 'F':
      s = formatF(Math.abs(v), spec.prec ?? 6);
      break;
    default:
      s = formatG(Math.abs(v), spec.prec ?? -1, verb === 'G', spec.sharp);
  }
  return pad(signed(v < 0 || Object.is(v, -0), s, spec), spec, true);
}

function fmtString(s: string, verb: string, spec: Spec): string {
  let out = spec.prec !== undefined ? Array.from(s).slice(0, spec.prec).join('') : s;
  if (verb === 'q') out = goQuote(out, spec.plus, spec.sharp);
  else if (verb === 'x' || verb === 'X') {
    const hex = Buffer.from(out, 'utf8').toString('hex');
    const h = verb === 'X' ? hex.toUpperCase() : hex;
    out = spec.space ? h.replace(/(..)(?=.)/g, '$1 ') : h;
  }
  return pad(out, spec, false);
}

function formatOne(verb: string, a: Arg, spec: Spec): string {
  if (verb === 'T') return pad(typeName(a), spec, false);
  switch (a.kind) {
    case 'string':
      return verb === 'v' || verb === 's' || verb === 'q' || verb === 'x' || verb === 'X'
        ? fmtString(a.v, verb, spec)
        : badVerb(verb, a);
    case 'float':
      return 'vbeEfFgGxX'.includes(verb) && verb !== 'b' && verb !== 'x' && verb !== 'X'
        ? fmtFloat(a.v, verb === 'v' ? 'g' : verb, spec)
        : badVerb(verb, a);
    default: {
      if (verb === 'c' && a.kind === 'int') return pad(String.fromCodePoint(Number(a.v)), spec, false);
      if (verb === 'U' && a.kind === 'int') {
        const hex = a.v.toString(16).toUpperCase().padStart(4, '0');
        return pad(`U+${hex}${spec.sharp ? ` '${String.fromCodePoint(Number(a.v))}'` : ''}`, spec, false);
      }
      if (verb === 'q' && a.kind === 'int') return pad(`'${String.fromCodePoint(Number(a.v))}'`, spec, false);
      // *big.Int formats %s like %d; int64 does not.
      if (verb === 's' && a.kind === 'int') return badVerb(verb, a);
      if ('vdsboOxX'.includes(verb)) return fmtInteger(a.v, verb, spec);
      if ('eEfFgG'.includes(verb)) return badVerb(verb, a);
      return badVerb(verb, a);
    }
  }
}

/** Go's fmt.Sprintf over converted arguments. */
export function goSprintf(format: string, args: readonly Arg[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = {
      minus: false,
      plus: false,
      sharp: false,
      space: false,
      zero: false,
      width: undefined,
      prec: undefined,
    };
    flags: for (; i < n; i++) {
      switch (format[i]) {
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case '+':
          spec.plus = true;
          break;
        case '#':
          spec.sharp = true;
          break;
        case ' ':
          spec.space = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        default:
          break flags;
      }
    }
    const argIndex = (): void => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (m !== null) {
        argNum = Number(m[1]) - 1;
        reordered = true;
        i += m[0].length;
      }
    };
    const starArg = (): number | undefined => {
      const a = args[argNum++];
      return a?.kind === 'int' ? Number(a.v) : undefined;
    };
    argIndex();
    if (format[i] === '*') {
      i++;
      spec.width = starArg();
      if (spec.width !== undefined && spec.width < 0) {
        spec.minus = true;
        spec.width = -spec.width;
      }
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m !== null) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      argIndex();
      if (format[i] === '*') {
        i++;
        spec.prec = starArg();
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m === null ? 0 : Number(m[0]);
        if (m !== null) i += m[0].length;
      }
    }
    argIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = args[argNum];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    argNum++;
    out += formatOne(verb, a, spec);
  }
  if (!reordered && argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) => `${typeName(a)}=${rawValue(a)}`)
      .join(', ')})`;
  }
  return out;
}

function sprintf(args: readonly Value[]): Value {
  const format = str(args, 0);
  const list = args[1] as Value;
  if (!Array.isArray(list)) throw operandError(2, list, 'array');
  return goSprintf(format, list.map(toArg));
}

export const sprintfBuiltins: ImplTable = { sprintf };
