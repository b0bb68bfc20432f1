/**
 * @module PEM decoding as Go's encoding/pem does it (blocks, the text after them), shared by the JWT and
 * X.509 builtins.
 */

export interface PemBlock {
  type: string;
  der: Buffer;
}

const BLOCK =
  /-----BEGIN ([^-\r\n]*)-----\r?\n((?:[A-Za-z0-9+/=\s]|[A-Za-z-]+:[^\n]*\n)*?)-----END \1-----\r?\n?/g;

/** Every PEM block in `text`, and what is left once they are removed. */
export function decodePemBlocks(text: string): { blocks: PemBlock[]; rest: string } {
  const blocks: PemBlock[] = [];
  let rest = '';
  let last = 0;
  for (const m of text.matchAll(BLOCK)) {
    rest += text.slice(last, m.index);
    last = (m.index as number) + m[0].length;
    const body = (m[2] as string)
      .split('\n')
      .filter((line) => !/^[A-Za-z-]+:/.test(line))
      .join('')
      .replace(/\s+/g, '');
    blocks.push({ type: m[1] as string, der: Buffer.from(body, 'base64') });
  }
  rest += text.slice(last);
  return { blocks, rest };
}
