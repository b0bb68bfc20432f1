/**
 * @module A minimal DER reader for the X.509 builtins: tag/length/value nodes with their raw bytes, OIDs,
 * integers, strings and times. Strict about lengths (a truncated structure is an error, as in Go's asn1).
 */
import { BuiltinError } from './builtin-error.js';

export interface Node {
  /** Full identifier octet (class, constructed bit, tag number for low tags). */
  tag: number;
  constructed: boolean;
  /** The whole encoding (header + content). */
  raw: Buffer;
  /** The content octets. */
  content: Buffer;
  children: Node[];
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const structureError = (what: string): BuiltinError => new BuiltinError(`asn1: structure error: ${what}`);

/** Parse one DER element at `offset`; returns it and the offset after it. */
function parseAt(buf: Buffer, offset: number): [Node, number] {
  if (offset + 2 > buf.length) throw structureError('truncated tag or length');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw structureError('high-tag-number form is not supported');
  let len = buf[offset + 1] as number;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw structureError('unsupported length encoding');
    if (offset + 2 + n > buf.length) throw structureError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[offset + 2 + i] as number);
    header += n;
  }
  const end = offset + header + len;
  if (end > buf.length) throw structureError('data truncated');
  const content = buf.subarray(offset + header, end);
  const constructed = (tag & 0x20) !== 0;
  const node: Node = { tag, constructed, raw: buf.subarray(offset, end), content, children: [] };
  if (constructed) {
    let pos = 0;
    while (pos < content.length) {
      const [child, next] = parseAt(content, pos);
      node.children.push(child);
      pos = next;
    }
  }
  return [node, end];
}

/** Parse a complete DER document (one element, nothing after it). */
export function parseDer(buf: Buffer): Node {
  const [node, end] = parseAt(buf, 0);
  if (end !== buf.length) throw new BuiltinError('x509: trailing data');
  return node;
}

/** Parse the content of a primitive OCTET/BIT STRING that itself holds DER. */
export function parseNested(content: Buffer): Node {
  return parseAt(content, 0)[0];
}

export function oid(n: Node): number[] {
  const out: number[] = [];
  let v = 0;
  for (let i = 0; i < n.content.length; i++) {
    const b = n.content[i] as number;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (out.length === 0) out.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else out.push(v);
      v = 0;
    }
  }
  return out;
}

export function bigInt(n: Node): bigint {
  if (n.content.length === 0) return 0n;
  let v = BigInt(`0x${n.content.toString('hex')}`);
  if (((n.content[0] as number) & 0x80) !== 0) v -= 1n << BigInt(n.content.length * 8);
  return v;
}

export function text(n: Node): string {
  if (n.tag === TAG.BMP) {
    let s = '';
    for (let i = 0; i + 1 < n.content.length; i += 2) s += String.fromCharCode(n.content.readUInt16BE(i));
    return s;
  }
  return n.content.toString(n.tag === TAG.UTF8 ? 'utf8' : 'latin1');
}

/** UTCTime / GeneralizedTime as an ISO string with Go's Time JSON form (RFC 3339, 'Z'). */
export function time(n: Node): string {
  const s = n.content.toString('latin1');
  const m =
    n.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(s);
  if (m === null) throw structureError(`invalid time ${JSON.stringify(s)}`);
  let year = Number(m[1]);
  if (n.tag === TAG.UTC_TIME) year += year >= 50 ? 1900 : 2000;
  const frac = n.tag === TAG.GENERALIZED_TIME && m[7] ? m[7].replace(/0+$/, '') : '';
  return `${String(year).padStart(4, '0')}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${frac === '.' ? '' : frac}Z`;
}

/** Context-specific tag number of a node ([n]). */
export function contextTag(n: Node): number | undefined {
  return (n.tag & 0xc0) === 0x80 ? n.tag & 0x1f : undefined;
}
