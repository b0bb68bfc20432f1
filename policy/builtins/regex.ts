/**
 * @module Regex builtins with RE2 semantics (re2js, never JavaScript's RegExp): `regex.is_valid
 * regex.match regex.find_n regex.find_all_string_submatch_n regex.split regex.replace
 * regex.template_match regex.globs_match`.
 */
import type { Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import { globsIntersect } from './globs-intersect.js';
import {
  compileRegexp,
  findAll,
  findAllSubmatch,
  isValidRegexp,
  matchString,
  quoteMeta,
  replaceAll,
  split,
} from './go-regexp.js';
import type { ImplTable } from './impl-types.js';
import { smallInt, str } from './operands.js';

/** Top-level delimiter pairs of a template, as [start, endExclusive] indexes; throws on unbalanced ones. */
function delimiterIndices(s: string, open: string, close: string): number[] {
  const idxs: number[] = [];
  let level = 0;
  let idx = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === open) {
      if (++level === 1) idx = i;
    } else if (s[i] === close) {
      if (--level === 0) idxs.push(idx, i + 1);
      else if (level < 0) throw new BuiltinError(`unbalanced braces in ${JSON.stringify(s)}`);
    }
  }
  if (level !== 0) throw new BuiltinError(`unbalanced braces in ${JSON.stringify(s)}`);
  return idxs;
}

/** `regex.template_match("urn:foo:{.*}", value, "{", "}")`: literal text plus delimited regexes. */
function templateMatch(args: readonly Value[]): Value {
  const template = str(args, 0);
  const value = str(args, 1);
  const open = str(args, 2);
  const close = str(args, 3);
  if (open.length !== 1) {
    throw new BuiltinError(`start delimiter has to be exactly one character long but is ${open.length} long`);
  }
  if (close.length !== 1) {
    throw new BuiltinError(`end delimiter has to be exactly one character long but is ${close.length} long`);
  }
  const idxs = delimiterIndices(template, open, close);
  let pattern = '^';
  let end = 0;
  for (let i = 0; i < idxs.length; i += 2) {
    const raw = template.slice(end, idxs[i]);
    end = idxs[i + 1] as number;
    const inner = template.slice((idxs[i] as number) + 1, end - 1);
    compileRegexp(`^${inner}$`); // each variable must be a valid regex on its own
    pattern += `${quoteMeta(raw)}(${inner})`;
  }
  pattern += `${quoteMeta(template.slice(end))}$`;
  return matchString(compileRegexp(pattern), value);
}

export const regexBuiltins: ImplTable = {
  'regex.is_valid': (args) => typeof args[0] === 'string' && isValidRegexp(args[0]),
  'regex.match': (args) => {
    const pattern = str(args, 0);
    const value = str(args, 1);
    return matchString(compileRegexp(pattern), value);
  },
  'regex.find_n': (args) => {
    const pattern = str(args, 0);
    const value = str(args, 1);
    const n = smallInt(args, 2);
    return findAll(compileRegexp(pattern), value, n);
  },
  'regex.find_all_string_submatch_n': (args) => {
    const pattern = str(args, 0);
    const value = str(args, 1);
    const n = smallInt(args, 2);
    return findAllSubmatch(compileRegexp(pattern), value, n);
  },
  'regex.split': (args) => {
    const pattern = str(args, 0);
    const value = str(args, 1);
    return split(compileRegexp(pattern), value);
  },
  'regex.replace': (args) => {
    const s = str(args, 0);
    const pattern = str(args, 1);
    const template = str(args, 2);
    return replaceAll(compileRegexp(pattern), s, template);
  },
  'regex.template_match': templateMatch,
  'regex.globs_match': (args) => globsIntersect(str(args, 0), str(args, 1)),
};
