/**
 * @module The Rego contract's edge: validates what a policy's quota entrypoint returned (a set of limits,
 * which reaches JS as an array) into typed, frozen `QuotaLimit`s. Sidecar layer, quota stage 1 of 3.
 */
import { z } from 'zod';
import { formatPath } from '../../lib/config.js';
import { parseDuration } from '../../lib/duration.js';
import { QuotaError } from './errors.js';

/** What a Redis outage means for one global limit. See docs/quota.md "When Redis is unavailable". */
export const ON_UNAVAILABLE_MODES = ['allow', 'deny', 'local'] as const;
export type OnUnavailable = (typeof ON_UNAVAILABLE_MODES)[number];

export type QuotaScope = 'local' | 'global';

/** One validated limit, as the enforcer consumes it. */
export interface QuotaLimit {
  /** Stable name of the limit (metrics label, header item, audit field). */
  readonly name: string;
  /** Partition inside the limit: one bucket per distinct key (e.g. the source principal). */
  readonly key: string;
  /** Bucket capacity: requests (cost units) admitted at once, and refilled per window. */
  readonly limit: number;
  readonly windowSeconds: number;
  /** Units this request consumes; 0 only reports the limit's state. */
  readonly cost: number;
  readonly scope: QuotaScope;
  /** Per-limit override of `quota.global.on_unavailable`; only meaningful for global limits. */
  readonly onUnavailable?: OnUnavailable;
}

/** Limit names appear in metrics labels, header items and Redis keys, so they are kept to a safe alphabet. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const MAX_KEY_LENGTH = 512;
export const MAX_LIMIT = 1_000_000_000;
export const MAX_WINDOW_SECONDS = 31 * 86_400;
/** More limits than this on one request is a policy bug (and a cheap way to make a sidecar work hard). */
export const MAX_LIMITS_PER_REQUEST = 32;

const windowCache = new Map<string, number>();

function windowSeconds(value: string | number, ctx: z.RefinementCtx): number {
  if (typeof value === 'number') return value;
  const cached = windowCache.get(value);
  if (cached !== undefined) return cached;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message, input: value });
    return z.NEVER;
  }
  if (ms % 1000 !== 0) {
    ctx.addIssue({ code: 'custom', message: 'window must be a whole number of seconds', input: value });
    return z.NEVER;
  }
  // Windows are few and repeat on every request: cache their parse, bounded so input cannot grow it.
  if (windowCache.size < 1024) windowCache.set(value, ms / 1000);
  return ms / 1000;
}

/** Schema of one limit object as written in Rego (snake_case, `window` as `"1m"` or whole seconds). */
export const limitSchema = z
  .strictObject({
    name: z.string().regex(NAME, 'expected 1-63 characters of A-Z a-z 0-9 _ . - (starting alphanumeric)'),
    key: z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_KEY_LENGTH, `longer than ${MAX_KEY_LENGTH} characters`),
    limit: z.number().int('must be a whole number').min(1).max(MAX_LIMIT),
    window: z
      .union([z.string(), z.number().int('must be whole seconds').min(1, 'must be at least 1 second')], {
        error: 'expected a duration such as "1s", "1m", "1h" or whole seconds',
      })
      .transform(windowSeconds)
      .pipe(
        z.number().min(1, 'window must be at least 1s').max(MAX_WINDOW_SECONDS, 'window must be at most 31d'),
      ),
    cost: z.number().int('must be a whole number').min(0).optional(),
    scope: z.enum(['local', 'global']),
    on_unavailable: z.enum(ON_UNAVAILABLE_MODES).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.cost !== undefined && v.cost > v.limit) {
      ctx.addIssue({
        code: 'custom',
        path: ['cost'],
        message: `${v.cost} exceeds limit ${v.limit}: the request could never be admitted`,
      });
    }
  });

/**
 * Validate a quota entrypoint's result. `source` names the entrypoint in messages
 * (`data.palisade.quota.limits`). Throws `ERR_QUOTA_LIMIT_INVALID` naming the limit and the field;
 * the caller must deny the request (fail closed).
 */
export function parseLimits(value: unknown, source = 'quota limits'): readonly QuotaLimit[] {
  if (value === undefined) {
    throw new QuotaError(
      'ERR_QUOTA_LIMIT_INVALID',
      `${source} is undefined: define it as a set (\`limits contains {...} if {...}\`) so it is empty, not undefined, when no limit applies`,
    );
  }
  if (!Array.isArray(value)) {
    throw new QuotaError(
      'ERR_QUOTA_LIMIT_INVALID',
      `${source}: expected a set or array of limits (found ${typeName(value)})`,
    );
  }
  if (value.length > MAX_LIMITS_PER_REQUEST) {
    throw new QuotaError(
      'ERR_QUOTA_LIMIT_INVALID',
      `${source}: ${value.length} limits apply to one request (at most ${MAX_LIMITS_PER_REQUEST})`,
    );
  }
  const out: QuotaLimit[] = [];
  let problems: string[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const raw: unknown = value[i];
    let limit: QuotaLimit | undefined = cachedLimit(raw);
    if (limit === undefined) {
      const parsed = limitSchema.safeParse(raw);
      if (!parsed.success) {
        problems ??= [];
        describeProblems(raw, i, source, problems);
        continue;
      }
      const l = parsed.data;
      limit = Object.freeze({
        name: l.name,
        key: l.key,
        limit: l.limit,
        windowSeconds: l.window,
        cost: l.cost ?? 1,
        scope: l.scope,
        ...(l.on_unavailable === undefined ? {} : { onUnavailable: l.on_unavailable }),
      });
      remember(raw as RawLimit, limit);
    }
    // A scan, not a Set: a request has a handful of limits (at most MAX_LIMITS_PER_REQUEST).
    if (hasName(out, limit.name)) {
      problems ??= [];
      problems.push(
        `${source}: limit ${describeLimit(raw, i)}: name: "${limit.name}" is returned twice (names must be unique)`,
      );
      continue;
    }
    out.push(limit);
  }
  if (problems !== undefined) throw new QuotaError('ERR_QUOTA_LIMIT_INVALID', problems.join('\n'));
  return out;
}

function hasName(limits: readonly QuotaLimit[], name: string): boolean {
  for (const l of limits) if (l.name === name) return true;
  return false;
}

// --- the verdict cache ---
//
// A policy returns the same few limits over and over, differing only in `key`. zod's verdict on
// everything but the key is remembered per limit name together with the raw values it judged, so the
// request path compares a handful of fields (no allocation, no hashing) and re-checks only the key and
// that no field was added. Each verdict also keeps the frozen limits it handed out per key, so a caller
// seen before gets the same object again: no allocation per request, and the enforcer can key its own
// per-limit caches on that object. Bounded: a policy deriving limits or keys from input cannot grow it
// without end.

/** The raw fields of a limit, as a policy wrote them. */
interface RawLimit {
  name: unknown;
  key: unknown;
  limit: unknown;
  window: unknown;
  cost?: unknown;
  scope: unknown;
  on_unavailable?: unknown;
}

interface Verdict {
  readonly raw: Readonly<Omit<RawLimit, 'name' | 'key'>>;
  readonly fields: number;
  readonly template: Omit<QuotaLimit, 'key'>;
  /** The limits already built from this verdict, by key. */
  readonly byKey: Map<string, QuotaLimit>;
}

const MAX_VERDICTS_PER_NAME = 16;
const MAX_NAMES = 1024;
/** Limits kept across all verdicts' `byKey`: about 1.5 MB with 64-character keys, 5 MB at the longest. */
const MAX_CACHED_LIMITS = 8192;
const verdicts = new Map<string, Verdict[]>();
let cachedLimits = 0;

function remember(raw: RawLimit, limit: QuotaLimit): void {
  let list = verdicts.get(limit.name);
  if (list === undefined) {
    if (verdicts.size >= MAX_NAMES) forgetAll();
    list = [];
    verdicts.set(limit.name, list);
  }
  if (list.length >= MAX_VERDICTS_PER_NAME) cachedLimits -= (list.shift() as Verdict).byKey.size;
  const { key: _key, ...template } = limit;
  list.push({
    raw: {
      limit: raw.limit,
      window: raw.window,
      cost: raw.cost,
      scope: raw.scope,
      on_unavailable: raw.on_unavailable,
    },
    fields: 5 + (raw.cost === undefined ? 0 : 1) + (raw.on_unavailable === undefined ? 0 : 1),
    template: Object.freeze(template),
    byKey: new Map([[limit.key, limit]]),
  });
  cachedLimits++;
}

function forgetAll(): void {
  verdicts.clear();
  cachedLimits = 0;
}

/** The validated limit for `raw` if zod already accepted the same fields (any key), else undefined. */
function cachedLimit(value: unknown): QuotaLimit | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as RawLimit;
  const { name, key } = raw;
  if (
    typeof name !== 'string' ||
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > MAX_KEY_LENGTH
  ) {
    return undefined;
  }
  const list = verdicts.get(name);
  if (list === undefined) return undefined;
  for (const v of list) {
    const r = v.raw;
    // `===` on primitives only: a verdict is never reused for an object or array field.
    if (
      raw.limit === r.limit &&
      raw.window === r.window &&
      raw.cost === r.cost &&
      raw.scope === r.scope &&
      raw.on_unavailable === r.on_unavailable
    ) {
      let fields = 0;
      for (const _ in raw) fields++;
      if (fields !== v.fields) return undefined;
      let limit = v.byKey.get(key);
      if (limit === undefined) {
        // Past the bound, start over rather than track recency: a flood of one-off keys (the case that
        // fills it) gains nothing from a cache, and the keys in steady use come back after one request.
        if (cachedLimits >= MAX_CACHED_LIMITS) {
          for (const vs of verdicts.values()) for (const each of vs) each.byKey.clear();
          cachedLimits = 0;
        }
        limit = Object.freeze({ ...v.template, key });
        v.byKey.set(key, limit);
        cachedLimits++;
      }
      return limit;
    }
  }
  return undefined;
}

/** Slow path, failures only: parse again collecting the values found, and describe every issue. */
function describeProblems(raw: unknown, index: number, source: string, problems: string[]): void {
  const parsed = limitSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return;
  const label = describeLimit(raw, index);
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys)
        problems.push(`${source}: limit ${label}: ${k}: unknown field (not in the contract)`);
    } else {
      problems.push(`${source}: limit ${label}: ${formatPath(issue.path)}: ${describeIssue(issue)}`);
    }
  }
}

function describeLimit(raw: unknown, index: number): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.length <= 63
    ? `"${name}" (#${index})`
    : `#${index}${name === undefined ? '' : ' (unnamed)'}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = 'input' in issue ? issue.input : undefined;
  if (issue.code === 'invalid_type' && input === undefined)
    return `missing required field (expected ${issue.expected})`;
  const message = issue.message.replace(/^Invalid (input|option): /, '');
  // Custom issues (bad duration) already quote the value.
  if (issue.code === 'custom' || input === undefined || (typeof input === 'object' && input !== null))
    return message;
  const text = JSON.stringify(input) ?? String(input);
  return `${message} (found ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
