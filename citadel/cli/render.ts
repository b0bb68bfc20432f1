/**
 * @module Shared flag parsers and text rendering for citadel's commands. CLI layer.
 */
import { InvalidArgumentError } from 'commander';
import { optionParser } from '../../lib/cli.js';
import { formatDuration, parseDuration } from '../../lib/duration.js';
import type { Certificate } from '../certificate.js';
import { parseKeyType } from '../keys.js';
import { parseSpiffeId } from '../spiffe-id.js';

/** `--ttl 1h`-style flags: a positive duration in ms. */
export const durationFlag = optionParser((raw: string) => {
  const ms = parseDuration(raw);
  if (ms <= 0) throw new InvalidArgumentError(`duration must be positive (got "${raw}")`);
  return ms;
});

/** Durations that may be zero (`--activate-after 0s`). */
export const nonNegativeDurationFlag = optionParser((raw: string) => parseDuration(raw));

export const spiffeIdFlag = optionParser((raw: string) => parseSpiffeId(raw));
export const keyTypeFlag = optionParser((raw: string) => parseKeyType(raw));

export const positiveIntFlag = optionParser((raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive integer (got "${raw}")`);
  return n;
});

/** "2026-11-24T05:00:00Z (59m 58s left)" or "(expired 3m ago)". */
export function expiryText(notAfter: Date | string, now: number): string {
  const at = typeof notAfter === 'string' ? Date.parse(notAfter) : notAfter.getTime();
  const left = at - now;
  const when = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return left > 0
    ? `${when} (${formatDuration(left)} left)`
    : `${when} (EXPIRED ${formatDuration(-left)} ago)`;
}

/** A certificate's identity-relevant facts, for JSON output. */
export function certFacts(cert: Certificate): Record<string, unknown> {
  return {
    serial: cert.serial,
    subject: cert.subject,
    issuer: cert.issuer,
    uris: cert.san.uris,
    not_before: cert.notBefore.toISOString(),
    not_after: cert.notAfter.toISOString(),
    key_type: cert.keyType,
    fingerprint_sha256: cert.fingerprint,
  };
}

/** Align `label value` rows into columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}
