/**
 * @module Go's net.IP / net.IPNet behaviour for the CIDR builtins: parsing (no leading zeros in IPv4, `::`
 * and embedded IPv4 in IPv6), IPv4-mapped addresses, containment, and Go's textual forms.
 */
import { BuiltinError } from './builtin-error.js';

/** An address as Go holds it: 4 bytes (IPv4) or 16 bytes. */
export type IP = Uint8Array;

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseV4(s: string): IP | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseV6(s: string): IP | undefined {
  if (s.includes('%')) return undefined; // zones are not addresses here
  const out = new Uint8Array(16);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const res: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseV4(item);
        if (v4 === undefined) return undefined;
        res.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
        res.push(Number.parseInt(item, 16));
      }
    }
    return res;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...new Array(8 - total).fill(0), ...tail];
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Go's net.ParseIP: IPv4 comes back in 16-byte (IPv4-mapped) form, as in Go. */
export function parseIP(s: string): IP | undefined {
  const v4 = parseV4(s);
  if (v4 !== undefined) return Uint8Array.from([...V4_PREFIX, ...v4]);
  return s.includes(':') ? parseV6(s) : undefined;
}

/** Go's IP.To4: the 4-byte form of an IPv4 or IPv4-mapped address. */
export function to4(ip: IP): IP | undefined {
  if (ip.length === 4) return ip;
  for (let i = 0; i < 12; i++) if (ip[i] !== V4_PREFIX[i]) return undefined;
  return ip.subarray(12);
}

export interface IPNet {
  ip: IP;
  mask: Uint8Array;
}

export function maskOf(prefix: number, bits: number): Uint8Array {
  const m = new Uint8Array(bits / 8);
  for (let i = 0; i < prefix; i++) m[i >> 3] = (m[i >> 3] as number) | (0x80 >> (i & 7));
  return m;
}

/** Prefix length of a canonical mask, or -1. */
export function maskSize(mask: Uint8Array): number {
  let n = 0;
  let done = false;
  for (const b of mask) {
    for (let i = 7; i >= 0; i--) {
      const bit = (b >> i) & 1;
      if (bit === 1 && done) return -1;
      if (bit === 1) n++;
      else done = true;
    }
  }
  return n;
}

/** Go's IP.Mask. */
export function applyMask(ip: IP, mask: Uint8Array): IP | undefined {
  let x = ip;
  if (mask.length === 16 && x.length === 4) x = Uint8Array.from([...V4_PREFIX, ...x]);
  if (mask.length === 4 && x.length === 16) {
    const v4 = to4(x);
    if (v4 === undefined) return undefined;
    x = v4;
  }
  if (x.length !== mask.length) return undefined;
  return x.map((b, i) => b & (mask[i] as number));
}

/** Go's net.ParseCIDR (errors read `invalid CIDR address: …`). */
export function parseCIDR(s: string): IPNet {
  const invalid = (): BuiltinError => new BuiltinError(`invalid CIDR address: ${s}`);
  const slash = s.indexOf('/');
  if (slash < 0) throw invalid();
  const addr = s.slice(0, slash);
  const bitsText = s.slice(slash + 1);
  const v4 = parseV4(addr);
  const ip = v4 ?? (addr.includes(':') ? parseV6(addr) : undefined);
  if (ip === undefined || !/^\d+$/.test(bitsText) || bitsText.length > 3) throw invalid();
  const bits = ip.length * 8;
  const prefix = Number(bitsText);
  if (prefix > bits) throw invalid();
  const mask = maskOf(prefix, bits);
  return { ip: applyMask(ip, mask) as IP, mask };
}

/** Go's IPNet.Contains. */
export function netContains(n: IPNet, ip: IP): boolean {
  let nn = to4(n.ip) ?? n.ip;
  let m = n.mask;
  if (nn.length === 16 && n.ip.length !== 16) nn = n.ip;
  if (m.length === 16 && nn.length === 4) m = m.subarray(12);
  if (m.length === 4 && nn.length !== 4) return false;
  const x = to4(ip) ?? ip;
  if (x.length !== nn.length) return false;
  for (let i = 0; i < x.length; i++)
    if (((nn[i] as number) & (m[i] as number)) !== ((x[i] as number) & (m[i] as number))) return false;
  return true;
}

/** Go's IP.String. */
export function ipString(ip: IP): string {
  const v4 = to4(ip);
  if (v4 !== undefined) return Array.from(v4).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i] as number) << 8) | (ip[i + 1] as number));
  // Longest run of zero groups (length >= 2), first wins, becomes "::".
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.map((g) => g.toString(16)).join(':');
  const left = groups
    .slice(0, best)
    .map((g) => g.toString(16))
    .join(':');
  const right = groups
    .slice(best + bestLen)
    .map((g) => g.toString(16))
    .join(':');
  return `${left}::${right}`;
}

/** Go's IPNet.String: address, then the prefix length (or the mask in hex when non-canonical). */
export function netString(n: IPNet): string {
  const size = maskSize(n.mask);
  const maskText = size < 0 ? Buffer.from(n.mask).toString('hex') : String(size);
  return `${ipString(n.ip)}/${maskText}`;
}

export function toBig(ip: IP): bigint {
  let v = 0n;
  for (const b of ip) v = (v << 8n) | BigInt(b);
  return v;
}

export function fromBig(v: bigint, len: number): IP {
  const out = new Uint8Array(len);
  let x = v;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}
