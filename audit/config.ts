/**
 * @module The `audit:` section of a sidecar's (or citadel's) YAML: where the log lives, how hard it
 * pushes back, how often it signs, when it rotates and what it keeps. Config layer; zod with defaults.
 */
import pino from 'pino';
import { z } from 'zod';
import { parseDuration } from '../lib/duration.js';

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/;
const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  KiB: 1024,
  MB: 1e6,
  MiB: 1024 ** 2,
  GB: 1e9,
  GiB: 1024 ** 3,
};

/** Parse `64MiB`, `500KB`, `1048576` to bytes. Throws RangeError naming the bad text. */
export function parseSize(text: string): number {
  const m = SIZE.exec(text.trim());
  if (m === null) throw new RangeError(`invalid size "${text}" (expected e.g. 64MiB, 500KB, 1048576)`);
  return Math.round(Number(m[1]) * (SIZE_UNITS[m[2] ?? 'B'] as number));
}

function durationField(min: number) {
  return z.union([z.string(), z.number()]).transform((raw, ctx) => {
    try {
      const ms = typeof raw === 'number' ? raw : parseDuration(raw);
      if (ms < min) throw new RangeError(`must be at least ${min}ms (found ${JSON.stringify(raw)})`);
      return ms;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}

function sizeField(min: number) {
  return z.union([z.string(), z.number().int()]).transform((raw, ctx) => {
    try {
      const bytes = typeof raw === 'number' ? raw : parseSize(raw);
      if (bytes < min) throw new RangeError(`must be at least ${min} bytes (found ${JSON.stringify(raw)})`);
      return bytes;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}

/** Header names and input keys that are masked wherever they appear, whatever the config says. */
export const ALWAYS_MASKED_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
];

/**
 * Schema of the `audit:` config section. Durations are `90s`/`10m`/`1h` (or milliseconds), sizes
 * `64MiB`/`500KB` (or bytes). Every field has a default, so `audit: {}` is a complete config.
 */
export const auditConfigSchema = z.strictObject({
  /** Log directory; relative paths resolve against the owner's state directory. Default `audit`. */
  directory: z.string().min(1).default('audit'),
  /**
   * `block`: when records cannot be written (buffer full, disk full, permission lost) the log reports
   * unhealthy with a reason and refuses records, so the caller fails closed (503). `drop`: keep serving,
   * count each refused record and write a `gap` record saying how many were lost.
   */
  mode: z.enum(['block', 'drop']).default('block'),
  /** Records held in memory waiting to be written. */
  buffer_records: z.number().int().min(16).max(10_000_000).default(65_536),
  /** How often buffered records are written and the file fsync'd. */
  flush_interval: durationField(10).default(1_000),
  /**
   * How long a new record may wait for others to share its write (0: the next turn of the event loop).
   * Under load a few milliseconds gather hundreds of records into one write(2) and one thread-pool round
   * trip instead of one per turn. Bounded by `flush_interval`; 1,024 waiting records are written at once.
   * 20 ms rather than 5: each write costs the process a thread-pool hand-off and wake-ups whatever its size,
   * and at 5,000 records/s a quarter as many writes took the log from ~26 to ~17 µs of CPU per record. The
   * records' durability is set by the fsync every `flush_interval`, not by this; only a crash of the process
   * itself (not of the machine) loses up to this long of records still in memory instead of 5 ms.
   */
  batch_delay: durationField(0).default(20),
  checkpoint: z
    .strictObject({
      /** Sign a checkpoint after this many records… */
      every_records: z.number().int().min(1).default(10_000),
      /** …or after this long, whichever comes first (only when records were written since). */
      interval: durationField(100).default(10_000),
    })
    .prefault({}),
  rotation: z
    .strictObject({
      /** Start a new file once the current one reaches this size. */
      max_bytes: sizeField(4096).default(64 * 1024 ** 2),
      /** …or once it is this old. */
      max_age: durationField(1_000).default(86_400_000),
      /** Compress rotated files with gzip. */
      compress: z.boolean().default(true),
    })
    .prefault({}),
  retention: z
    .strictObject({
      /** Keep at most this many files (the current one included); null keeps all. */
      max_files: z.number().int().min(2).nullable().default(null),
      /** Remove rotated files older than this; null keeps all. */
      max_age: durationField(60_000).nullable().default(null),
    })
    .prefault({}),
  redact: z
    .strictObject({
      /** pino redact paths into the record, e.g. `request.path`, `input.parsed_body.ssn`. */
      paths: z
        .array(z.string().min(1))
        .default([])
        .superRefine((paths, ctx) => {
          for (const [i, path] of paths.entries()) {
            try {
              pino({ redact: [path] }, { write() {} });
            } catch {
              ctx.addIssue({ code: 'custom', path: [i], message: `not a valid redact path: "${path}"` });
            }
          }
        }),
      /** Key names masked at any depth of a record's `input` (case-insensitive), beyond the built-ins. */
      keys: z.array(z.string().min(1)).default([]),
      /** Replacement text. */
      censor: z.string().default('[redacted]'),
    })
    .prefault({}),
});

/** The validated, defaulted audit config (durations in ms, sizes in bytes). */
export type AuditConfig = z.infer<typeof auditConfigSchema>;
/** What a config file may contain (before defaults and unit parsing). */
export type AuditConfigInput = z.input<typeof auditConfigSchema>;
