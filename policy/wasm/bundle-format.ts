/**
 * @module OPA bundle contents: the manifest, canonical JSON (what OPA hashes for .json files), and file
 * hashes for the signature payload. Wasm layer.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** `.manifest` as OPA writes it for a Wasm bundle. */
export const manifestSchema = z.object({
  revision: z.string().optional(),
  roots: z.array(z.string()).optional(),
  wasm: z.array(z.object({ entrypoint: z.string(), module: z.string() })).optional(),
  rego_version: z.number().int().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The payload OPA signs: the hash of every file but .signatures.json. */
export const signaturePayloadSchema = z.object({
  files: z.array(z.object({ name: z.string(), hash: z.string(), algorithm: z.string() })),
  keyid: z.string().optional(),
  scope: z.string().optional(),
  iat: z.number().optional(),
  iss: z.string().optional(),
});
export type SignaturePayload = z.infer<typeof signaturePayloadSchema>;

export const signaturesFileSchema = z.object({ signatures: z.array(z.string()).min(1) });

/** Go-compatible JSON: keys sorted, `<`, `>`, `&` escaped as encoding/json does. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${goString(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return typeof x === 'string' ? goString(x) : JSON.stringify(x);
}

function goString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * SHA-256 of a bundle file as OPA computes it: JSON files (`.json`, `.manifest`) over their canonical form,
 * anything else over the raw bytes.
 */
export function fileHash(name: string, bytes: Uint8Array): string {
  const h = createHash('sha256');
  if (name.endsWith('.json') || name.endsWith('.manifest')) {
    h.update(canonicalJson(JSON.parse(new TextDecoder().decode(bytes))));
  } else h.update(bytes);
  return h.digest('hex');
}

/** Bundle file names in signatures carry no leading slash. */
export function signatureName(path: string): string {
  return path.replace(/^\/+/, '');
}
