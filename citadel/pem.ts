/**
 * @module PEM framing for certificates and requests: split a PEM file into DER blocks and back.
 */
import { CitadelError, type CitadelErrorCode } from './errors.js';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** DER blocks of the given label (`CERTIFICATE`, `CERTIFICATE REQUEST`) in order. */
export function pemBlocks(
  text: string,
  label: string,
  source: string,
  code: CitadelErrorCode = 'ERR_CITADEL_CERT_PARSE',
): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(BLOCK)) {
    if (m[1] !== label) continue;
    const body = (m[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) {
      throw new CitadelError(code, `${source}: PEM block ${out.length + 1} is not valid base64`);
    }
    out.push(Buffer.from(body, 'base64'));
  }
  if (out.length === 0) throw new CitadelError(code, `${source}: no "${label}" PEM block found`);
  return out;
}

/** Encode DER as one PEM block. */
export function toPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
