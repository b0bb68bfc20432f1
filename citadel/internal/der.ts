/**
 * @module Raw DER framing (tag-length-value headers, exact byte ranges of children) for the few places where
 * citadel must keep bytes exactly as signed or splice already-encoded parts. Internal to citadel/.
 */

/** A DER SEQUENCE of already-encoded elements. */
export function derSequence(parts: Buffer[]): Buffer {
  return derTlv(0x30, parts);
}

/** One DER element: `tag`, definite length, then the already-encoded content parts, in one allocation. */
export function derTlv(tag: number, parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const p of parts) length += p.length;
  const header = derHeader(tag, length);
  const out = Buffer.allocUnsafe(header.length + length);
  header.copy(out, 0);
  let at = header.length;
  for (const p of parts) at += p.copy(out, at);
  return out;
}

/**
 * RFC 5280 §4.1.2.5 time: UTCTime (YYMMDDHHMMSSZ) through 2049, GeneralizedTime (YYYYMMDDHHMMSSZ) from
 * 2050, whole seconds, always UTC.
 */
export function derTime(d: Date): Buffer {
  const year = d.getUTCFullYear();
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  const rest = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return year < 2050
    ? derTlv(0x17, [Buffer.from(`${two(year % 100)}${rest}`, 'latin1')])
    : derTlv(0x18, [Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'latin1')]);
}

export function headerLength(der: Buffer, offset = 0): number {
  const first = der[offset + 1] as number;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}

export function contentLength(der: Buffer, offset: number): number {
  const first = der[offset + 1] as number;
  if (first < 0x80) return first;
  let len = 0;
  for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + (der[offset + 2 + i] as number);
  return len;
}

/** The exact bytes of the first element inside the outer SEQUENCE (what was signed). */
export function firstChildBytes(der: Buffer): Buffer {
  const start = headerLength(der);
  return der.subarray(start, start + headerLength(der, start) + contentLength(der, start));
}

/** The exact bytes of each element inside a constructed element (already checked by the forge parse). */
export function childBytes(der: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const end = headerLength(der) + contentLength(der, 0);
  for (let at = headerLength(der); at < end; ) {
    const next = at + headerLength(der, at) + contentLength(der, at);
    out.push(der.subarray(at, next));
    at = next;
  }
  return out;
}

export function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}
