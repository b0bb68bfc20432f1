/**
 * @module String builtins: search, slicing, case, splitting, replacing, trimming, joining and prefix/suffix
 * matching, with Go's semantics (indexes in runes, Go's whitespace and case rules).
 */
import { SetValue, toDecimal, type Value } from '../value/index.js';
import { BuiltinError, elementError, operandError, typeError } from './builtin-error.js';
import {
  countSubstrings,
  isAscii,
  mapCase,
  replaceAll,
  reverseRunes,
  runes,
  trimCutset,
  trimSpace,
} from './go-strings.js';
import type { ImplTable } from './impl-types.js';
import { num, object, smallInt, str } from './operands.js';

function concat(args: readonly Value[]): Value {
  const sep = str(args, 0);
  const c = args[1] as Value;
  const items = Array.isArray(c) ? c : c instanceof SetValue ? c.items() : undefined;
  if (items === undefined) throw operandError(2, c, 'set', 'array');
  for (const x of items) if (typeof x !== 'string') throw elementError(2, c, x, 'string');
  return (items as string[]).join(sep);
}

function formatInt(args: readonly Value[]): Value {
  const n = num(args, 0);
  const base = num(args, 1);
  if (base !== 2 && base !== 8 && base !== 10 && base !== 16) {
    throw typeError('operand 2 must be one of {2, 8, 10, 16}');
  }
  // Truncate toward zero, as big.Float.Int does.
  const whole = typeof n === 'number' ? BigInt(Math.trunc(n)) : BigInt(toDecimal(n).trunc().toFixed());
  return whole.toString(base);
}

/** Rune index of the first occurrence, -1 when absent. */
function indexOf(args: readonly Value[]): Value {
  const s = str(args, 0);
  const sub = str(args, 1);
  if (sub === '') throw new BuiltinError('empty search character');
  const at = s.indexOf(sub);
  if (at <= 0 || isAscii(s)) return at;
  return runes(s.slice(0, at)).length;
}

function indexOfN(args: readonly Value[]): Value {
  const s = str(args, 0);
  const sub = str(args, 1);
  if (sub === '') throw new BuiltinError('empty search character');
  const out: Value[] = [];
  const ascii = isAscii(s);
  // Overlapping occurrences, each reported by rune index (as OPA scans every rune).
  for (let at = s.indexOf(sub); at !== -1; at = s.indexOf(sub, at + 1)) {
    out.push(ascii ? at : runes(s.slice(0, at)).length);
  }
  return out;
}

function substring(args: readonly Value[]): Value {
  const s = str(args, 0);
  const start = smallInt(args, 1);
  const length = smallInt(args, 2);
  if (start < 0) throw new BuiltinError('negative offset');
  if (isAscii(s)) {
    if (start >= s.length) return '';
    return length < 0 ? s.slice(start) : s.slice(start, Math.min(s.length, start + length));
  }
  const r = runes(s);
  if (start >= r.length) return '';
  return (length < 0 ? r.slice(start) : r.slice(start, Math.min(r.length, start + length))).join('');
}

function split(args: readonly Value[]): Value {
  const s = str(args, 0);
  const d = str(args, 1);
  // Go's strings.Split with an empty separator splits into runes.
  return d === '' ? runes(s) : s.split(d);
}

function replace(args: readonly Value[]): Value {
  return replaceAll(str(args, 0), [[str(args, 1), str(args, 2)]]);
}

function replaceN(args: readonly Value[]): Value {
  const patterns = object(args, 0);
  const s = str(args, 1);
  const pairs: [string, string][] = [];
  for (const [k, v] of patterns) {
    if (typeof k !== 'string') throw typeError('operand 1 non-string key found in pattern object');
    if (typeof v !== 'string') throw typeError('operand 1 non-string value found in pattern object');
    pairs.push([k, v]);
  }
  return replaceAll(s, pairs);
}

/** A string, or the strings of an array/set, for any_prefix_match / any_suffix_match. */
function stringOrStrings(args: readonly Value[], i: number): string[] {
  const v = args[i] as Value;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) || v instanceof SetValue) {
    const items = Array.isArray(v) ? v : v.items();
    for (const x of items) if (typeof x !== 'string') throw elementError(i + 1, v, x, 'string');
    return items as string[];
  }
  throw operandError(i + 1, v, 'string', 'set', 'array');
}

function anyPrefixMatch(args: readonly Value[]): Value {
  const strs = stringOrStrings(args, 0);
  const prefixes = stringOrStrings(args, 1);
  return strs.some((s) => prefixes.some((p) => s.startsWith(p)));
}

function anySuffixMatch(args: readonly Value[]): Value {
  const strs = stringOrStrings(args, 0);
  const suffixes = stringOrStrings(args, 1);
  return strs.some((s) => suffixes.some((p) => s.endsWith(p)));
}

function trimPrefix(args: readonly Value[]): Value {
  const s = str(args, 0);
  const p = str(args, 1);
  return p !== '' && s.startsWith(p) ? s.slice(p.length) : s;
}

function trimSuffix(args: readonly Value[]): Value {
  const s = str(args, 0);
  const p = str(args, 1);
  return p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
}

export const stringBuiltins: ImplTable = {
  concat,
  format_int: formatInt,
  indexof: indexOf,
  indexof_n: indexOfN,
  substring,
  contains: (args) => str(args, 0).includes(str(args, 1)),
  'strings.count': (args) => countSubstrings(str(args, 0), str(args, 1)),
  startswith: (args) => str(args, 0).startsWith(str(args, 1)),
  endswith: (args) => str(args, 0).endsWith(str(args, 1)),
  lower: (args) => mapCase(str(args, 0), false),
  upper: (args) => mapCase(str(args, 0), true),
  split,
  replace,
  'strings.replace_n': replaceN,
  trim: (args) => trimCutset(str(args, 0), str(args, 1), true, true),
  trim_left: (args) => trimCutset(str(args, 0), str(args, 1), true, false),
  trim_right: (args) => trimCutset(str(args, 0), str(args, 1), false, true),
  trim_prefix: trimPrefix,
  trim_suffix: trimSuffix,
  trim_space: (args) => trimSpace(str(args, 0)),
  'strings.reverse': (args) => reverseRunes(str(args, 0)),
  'strings.any_prefix_match': anyPrefixMatch,
  'strings.any_suffix_match': anySuffixMatch,
};
