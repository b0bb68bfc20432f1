/**
 * @module The `quota:` section of the sidecar config: zod schema with defaults, parsed once at startup.
 * Sidecar layer (sidecar/quota). The sidecar's own config.ts embeds `quotaConfigSchema` under `quota`.
 */
import { z } from 'zod';
import { validateConfig } from '../../lib/config.js';
import { parseDuration } from '../../lib/duration.js';
import { slashEntrypoint } from './decision.js';
import { ON_UNAVAILABLE_MODES } from './limit.js';

/** A duration written as `50ms`, `2s`, `1m`; parsed to milliseconds within [min, max]. */
function duration(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${min}ms and ${max}ms` });
      return z.NEVER;
    }
    return ms;
  });
}

const redisSchema = z.strictObject({
  /** `redis://host:port/db` or `rediss://` for TLS. Credentials never go in the URL: see password_file. */
  url: z.string().transform((text, ctx) => {
    // Issues carry no `input`: a URL with a password in it must not be echoed into an error line.
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message, input: undefined });
      return z.NEVER;
    };
    if (!URL.canParse(text)) return fail('expected a URL such as redis://127.0.0.1:6379/0');
    const url = new URL(text);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
      return fail('scheme must be redis: or rediss:');
    if (url.password !== '') {
      return fail('must not contain a password (it would show in /config and logs): use password_file');
    }
    return text;
  }),
  /** File holding the Redis password (AUTH); the username, if any, comes from the URL. */
  password_file: z.string().min(1).optional(),
  /** PEM CA bundle to verify a `rediss://` server with; default: the system CAs. */
  ca_file: z.string().min(1).optional(),
});

const globalSchema = z.strictObject({
  redis: redisSchema,
  /** Longest a request waits for Redis before its global limits are decided by `on_unavailable`. */
  timeout: duration(1, 5_000).default(50),
  connect_timeout: duration(10, 60_000).default(2_000),
  /** Reconnect backoff doubles from 50ms up to this. */
  reconnect_max_delay: duration(50, 60_000).default(2_000),
  key_prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.:{}-]{0,64}$/, 'expected up to 64 characters of A-Z a-z 0-9 _ . : { } -')
    .default('palisade:quota:'),
  /** Replicas sharing each global limit; the `local` fallback gives each replica limit/replicas. */
  replicas: z.number().int().min(1).max(100_000).default(1),
  /** Default for limits that do not set `on_unavailable` themselves. */
  on_unavailable: z.enum(ON_UNAVAILABLE_MODES).default('local'),
  /** Whose clock refills buckets: Redis's (one clock for the mesh) or each sidecar's. */
  time_source: z.enum(['redis', 'sidecar']).default('redis'),
});

/** Schema of the `quota:` section. Absent section = no quota enforcement. */
export const quotaConfigSchema = z.strictObject({
  /**
   * Rule that returns the set of limits, in OPA's slash form like the sidecar's other entrypoints
   * (`data.palisade.quota.limits` is accepted and stored as `palisade/quota/limits`).
   */
  entrypoint: z
    .string()
    .transform((text, ctx) => {
      const slash = slashEntrypoint(text);
      if (slash === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected an entrypoint such as palisade/quota/limits' });
        return z.NEVER;
      }
      return slash;
    })
    .default('palisade/quota/limits'),
  /** Send RateLimit-Policy / RateLimit on every response that had limits (429s always carry them). */
  response_headers: z.boolean().default(true),
  local: z
    .strictObject({
      /** Distinct (limit, key) buckets kept in memory; the least recently used is evicted past it. */
      max_keys: z.number().int().min(1).max(10_000_000).default(50_000),
      /** How often idle (full again) buckets are dropped. */
      sweep_interval: duration(100, 3_600_000).default(10_000),
    })
    .default({ max_keys: 50_000, sweep_interval: 10_000 }),
  global: globalSchema.optional(),
});

/** The validated, frozen `quota:` section (durations in milliseconds). */
export type QuotaConfig = z.infer<typeof quotaConfigSchema>;
/** What a config file may contain for `quota:` (durations as text). */
export type QuotaConfigInput = z.input<typeof quotaConfigSchema>;

/** Validate a `quota:` section given on its own (tests, embedders); errors name `quota.<field>`. */
export function parseQuotaConfig(value: unknown, source = 'quota'): QuotaConfig {
  return validateConfig(value, source, quotaConfigSchema);
}
