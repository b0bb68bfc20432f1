/**
 * @module CIDR builtins: `net.cidr_contains net.cidr_intersects net.cidr_contains_matches net.cidr_expand
 * net.cidr_merge net.cidr_is_valid`, IPv4 and IPv6, following OPA's v1/topdown/cidr.go over Go's net.
 */
import { ObjectValue, SetValue, type Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import {
  applyMask,
  fromBig,
  type IP,
  type IPNet,
  ipString,
  maskOf,
  maskSize,
  netContains,
  netString,
  parseCIDR,
  parseIP,
  to4,
  toBig,
} from './go-ip.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

/** Expanding more addresses than this is refused rather than exhausting memory (OPA would time out). */
export const CIDR_EXPAND_LIMIT = 1 << 20;

function lastIP(n: IPNet): IP {
  const bits = n.mask.length * 8;
  const prefix = maskSize(n.mask);
  if (prefix < 0) throw new BuiltinError('CIDR mask is in non-standard format');
  const first = toBig(n.ip.length === n.mask.length ? n.ip : (to4(n.ip) ?? n.ip));
  const host = (1n << BigInt(bits - prefix)) - 1n;
  return fromBig(first | host, bits / 8);
}

function contains(a: IPNet, bText: string): boolean {
  const ip = parseIP(bText);
  if (ip !== undefined) return netContains(a, ip);
  let b: IPNet;
  try {
    b = parseCIDR(bText);
  } catch {
    throw new BuiltinError(`not a valid textual representation of an IP address or CIDR: ${bText}`);
  }
  return netContains(a, b.ip) && netContains(a, lastIP(b));
}

/** A `cidr_contains_matches` operand element: a string, or the first element of a non-empty array. */
function matchTerm(x: Value, operand: number): string {
  const v = Array.isArray(x) ? x[0] : x;
  if (typeof v !== 'string')
    throw new BuiltinError(`operand ${operand}: element must be string or non-empty array`);
  return v;
}

function matchOperand(v: Value, operand: number): [string, Value][] {
  if (typeof v === 'string') return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [matchTerm(x, operand), i]);
  if (v instanceof SetValue) return v.items().map((x) => [matchTerm(x, operand), x]);
  if (v instanceof ObjectValue) return [...v.entries()].map(([k, x]) => [matchTerm(x, operand), k]);
  return [];
}

function containsMatches(args: readonly Value[]): Value {
  const out = new SetValue();
  const left = matchOperand(args[0] as Value, 1);
  const right = matchOperand(args[1] as Value, 2);
  for (const [c1, i1] of left) {
    const net = parseCIDR(c1);
    for (const [c2, i2] of right) if (contains(net, c2)) out.add([i1, i2]);
  }
  return out;
}

function expand(args: readonly Value[]): Value {
  const n = parseCIDR(str(args, 0));
  const bits = n.mask.length * 8;
  const count = 1n << BigInt(bits - maskSize(n.mask));
  if (count > BigInt(CIDR_EXPAND_LIMIT)) {
    throw new BuiltinError(
      `CIDR ${str(args, 0)} has ${count} addresses; expanding more than ${CIDR_EXPAND_LIMIT} is refused`,
    );
  }
  const out = new SetValue();
  const first = toBig(n.ip);
  for (let i = 0n; i < count; i++) out.add(ipString(fromBig(first + i, n.ip.length)));
  return out;
}

// --- net.cidr_merge ---

interface Range {
  first: IP;
  last: IP;
  network: IPNet | undefined;
}

function compareBytes(a: IP, b: IP): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return a.length - b.length;
}

/** The address before `ip`; the zero address stays itself. */
function previousIP(ip: IP): IP {
  if (ip.every((b) => b === 0)) return ip;
  return fromBig((toBig(ip) - 1n + (1n << BigInt(ip.length * 8))) % (1n << BigInt(ip.length * 8)), ip.length);
}

/** The network of one merge element: a CIDR, or a bare IPv4 address with its classful default mask (as Go). */
function mergeElement(x: Value): IPNet {
  if (typeof x !== 'string') throw new BuiltinError('element must be string');
  const ip = parseIP(x);
  if (ip === undefined) return parseCIDR(x);
  const v4 = to4(ip);
  if (v4 === undefined) throw new BuiltinError('IPv6 invalid: needs prefix length');
  const first = v4[0] as number;
  const prefix = first < 0x80 ? 8 : first < 0xc0 ? 16 : 24;
  return { ip, mask: maskOf(prefix, 32) };
}

/** The smallest list of CIDRs covering [first, last]. */
function rangeToCIDRs(first: IP, last: IP): IPNet[] {
  const bits = first.length * 8;
  let lo = toBig(first);
  const hi = toBig(last);
  const out: IPNet[] = [];
  while (lo <= hi) {
    let size = 0;
    while (
      size < bits &&
      (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      lo + (1n << BigInt(size + 1)) - 1n <= hi
    )
      size++;
    out.push({ ip: fromBig(lo, first.length), mask: maskOf(bits - size, bits) });
    lo += 1n << BigInt(size);
  }
  return out;
}

function merge(args: readonly Value[]): Value {
  const v = args[0] as Value;
  const items = Array.isArray(v) ? v : v instanceof SetValue ? v.items() : undefined;
  if (items === undefined) throw new BuiltinError('operand must be an array');
  let ranges: Range[] = items.map((x) => {
    const network = mergeElement(x);
    const first = applyMask(network.ip, network.mask) as IP;
    const host = fromBig((1n << BigInt(network.mask.length * 8 - maskSize(network.mask))) - 1n, first.length);
    return { first, last: first.map((b, i) => b | (host[i] as number)), network };
  });
  ranges.sort((a, b) => compareBytes(a.last, b.last) || compareBytes(a.first, b.first));
  for (let i = ranges.length - 1; i > 0; i--) {
    const cur = ranges[i] as Range;
    const prev = ranges[i - 1] as Range;
    if (compareBytes(previousIP(cur.first), prev.last) <= 0) {
      const first = compareBytes(prev.first, cur.first) < 0 ? prev.first : cur.first;
      ranges[i - 1] = { first, last: cur.last, network: undefined };
      ranges = [...ranges.slice(0, i), ...ranges.slice(i + 1)];
    }
  }
  const out = new SetValue();
  for (const r of ranges) {
    if (r.network !== undefined) out.add(netString(r.network));
    else for (const n of rangeToCIDRs(r.first, r.last)) out.add(netString(n));
  }
  return out;
}

function isValid(args: readonly Value[]): Value {
  if (typeof args[0] !== 'string') return false;
  try {
    parseCIDR(args[0]);
    return true;
  } catch {
    return false;
  }
}

export const cidrBuiltins: ImplTable = {
  'net.cidr_contains': (args) => contains(parseCIDR(str(args, 0)), str(args, 1)),
  'net.cidr_intersects': (args) => {
    const a = parseCIDR(str(args, 0));
    const b = parseCIDR(str(args, 1));
    return netContains(a, b.ip) || netContains(b, a.ip);
  },
  'net.cidr_contains_matches': containsMatches,
  'net.cidr_expand': expand,
  'net.cidr_merge': merge,
  'net.cidr_is_valid': isValid,
};
