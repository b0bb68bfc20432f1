/**
 * @module Masking of a record's `input` document before it is written: credentials never reach the
 * audit log. Record layer. Keys named `authorization`, `cookie` (and the configured ones) are replaced at
 * any depth, case-insensitively; pino's `redact` paths (config `redact.paths`) then apply to the record.
 */
import { ALWAYS_MASKED_KEYS } from './config.js';

/** Deepest level of `input` kept; anything below is replaced (inputs are request metadata, not data). */
const MAX_DEPTH = 32;

/** A function that returns a masked copy of an input document (the original is never modified). */
export type InputMasker = (input: unknown) => unknown;

/** Build a masker for the built-in keys plus `extraKeys`. */
export function createInputMasker(extraKeys: readonly string[], censor: string): InputMasker {
  const masked = new Set([...ALWAYS_MASKED_KEYS, ...extraKeys].map((k) => k.toLowerCase()));
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH) return censor;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      out[key] = masked.has(key.toLowerCase())
        ? censor
        : walk((value as Record<string, unknown>)[key], depth + 1);
    }
    return out;
  };
  return (input) => walk(input, 0);
}

/**
 * pino redact paths that always apply to decision records, beside the configured ones: headers the
 * sidecar might copy into `request` or `input` at fixed places.
 */
export const ALWAYS_REDACTED_PATHS: readonly string[] = [
  'request.headers.authorization',
  'request.headers.cookie',
  'request.headers["proxy-authorization"]',
];
