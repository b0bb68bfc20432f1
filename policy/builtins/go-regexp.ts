/**
 * @module Go `regexp` behaviour on top of re2js (RE2 semantics, linear time): compile with a bounded cache,
 * FindAll/Split/ReplaceAll with Go's empty-match rules, `$` template expansion and QuoteMeta.
 * The only file that imports re2js.
 */
import { RE2JS } from 're2js';
import { BuiltinError } from './builtin-error.js';

type RE2 = ReturnType<RE2JS['re2']>;

export interface CompiledRegexp {
  readonly source: string;
  readonly re: RE2JS;
  readonly re2: RE2;
  /** Group names by index (undefined for unnamed groups). */
  readonly names: ReadonlyMap<string, number>;
}

const CACHE_MAX = 256;
const cache = new Map<string, CompiledRegexp>();

/** Compile a Go/RE2 pattern; errors read like Go's (`error parsing regexp: …`). */
export function compileRegexp(pattern: string): CompiledRegexp {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    throw new BuiltinError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const compiled: CompiledRegexp = {
    source: pattern,
    re,
    re2: re.re2(),
    names: new Map(Object.entries(re.namedGroups())),
  };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

/** True when `pattern` is valid RE2 syntax. */
export function isValidRegexp(pattern: string): boolean {
  try {
    compileRegexp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Go's Regexp.MatchString (unanchored search). */
export function matchString(re: CompiledRegexp, s: string): boolean {
  return re.re.test(s);
}

/** Go's FindAllStringSubmatchIndex: flat [start, end, g1start, g1end, …] per match; -1 for unmatched groups. */
export function findAllSubmatchIndex(re: CompiledRegexp, s: string, n: number): number[][] {
  if (n === 0) return [];
  return (re.re2.findAllSubmatchIndex(s, n < 0 ? -1 : n) as number[][] | null) ?? [];
}

/** Go's FindAllString. */
export function findAll(re: CompiledRegexp, s: string, n: number): string[] {
  return findAllSubmatchIndex(re, s, n).map((m) => s.slice(m[0], m[1]));
}

/** Go's FindAllStringSubmatch (unmatched groups are ""). */
export function findAllSubmatch(re: CompiledRegexp, s: string, n: number): string[][] {
  return findAllSubmatchIndex(re, s, n).map((m) => {
    const groups: string[] = [];
    for (let i = 0; i < m.length; i += 2) {
      const a = m[i] as number;
      groups.push(a < 0 ? '' : s.slice(a, m[i + 1]));
    }
    return groups;
  });
}

/** Go's Regexp.Split(s, -1). */
export function split(re: CompiledRegexp, s: string): string[] {
  if (s === '') return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAllSubmatchIndex(re, s, -1)) {
    end = m[0] as number;
    if ((m[1] as number) !== 0) out.push(s.slice(beg, end));
    beg = m[1] as number;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

const NAME_CHAR = /[A-Za-z0-9_]/;

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to "". */
export function expand(re: CompiledRegexp, template: string, s: string, m: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    if (template[i] === '{') {
      const close = template.indexOf('}', i + 1);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close < 0 || inner === '' || ![...inner].every((c) => NAME_CHAR.test(c))) {
        out += '$'; // malformed: the '$' is kept literally, as Go does
        continue;
      }
      name = inner;
      i = close + 1;
    } else {
      let j = i;
      while (j < template.length && NAME_CHAR.test(template[j] as string)) j++;
      if (j === i) {
        out += '$';
        continue;
      }
      name = template.slice(i, j);
      i = j;
    }
    const idx = /^\d+$/.test(name) ? Number(name) : re.names.get(name);
    if (idx !== undefined && 2 * idx + 1 < m.length && (m[2 * idx] as number) >= 0) {
      out += s.slice(m[2 * idx], m[2 * idx + 1]);
    }
  }
  return out;
}

/** Go's Regexp.ReplaceAllString. */
export function replaceAll(re: CompiledRegexp, s: string, template: string): string {
  let out = '';
  let last = 0;
  for (const m of findAllSubmatchIndex(re, s, -1)) {
    out += s.slice(last, m[0]) + expand(re, template, s, m);
    last = m[1] as number;
  }
  return out + s.slice(last);
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
