/**
 * @module Citadel's schemas and defaults: the CA manifest (`ca/ca.json`), the issuance journal line, and the
 * certificate lifetimes policy. Everything read from disk is parsed by these zod schemas at the edge.
 */
import { z } from 'zod';
import { KEY_TYPES } from './keys.js';

const DAY_MS = 86_400_000;

/** Lifetimes and limits, with the defaults. */
export const DEFAULT_POLICY = {
  rootTtlMs: 3650 * DAY_MS,
  intermediateTtlMs: 365 * DAY_MS,
  svidDefaultTtlMs: 3_600_000,
  svidMaxTtlMs: DAY_MS,
  joinTokenDefaultTtlMs: 10 * 60_000,
  joinTokenMaxTtlMs: DAY_MS,
} as const;

/** Default warning margin of `ca status` for CA certificates. */
export const DEFAULT_EXPIRY_MARGIN_MS = 60 * DAY_MS;
/** Default overlap a superseded root stays trusted after the new one activates. */
export const DEFAULT_ROOT_OVERLAP_MS = DAY_MS;

export const policySchema = z.strictObject({
  rootTtlMs: z.number().int().positive(),
  intermediateTtlMs: z.number().int().positive(),
  svidDefaultTtlMs: z.number().int().positive(),
  svidMaxTtlMs: z.number().int().positive(),
  joinTokenDefaultTtlMs: z.number().int().positive(),
  joinTokenMaxTtlMs: z.number().int().positive(),
});
export type CaPolicy = z.infer<typeof policySchema>;

const id = z.string().regex(/^[a-z0-9-]{1,64}$/, 'expected a lowercase id');
const isoDate = z.iso.datetime();

export const rootEntrySchema = z.strictObject({
  id,
  createdAt: isoDate,
  /** When issuance switches to this root's hierarchy (staged until then). */
  activateAt: isoDate,
  /** Set when a newer root supersedes this one: earliest time `retire-root` may remove it. */
  retireAfter: isoDate.optional(),
});
export type RootEntry = z.infer<typeof rootEntrySchema>;

export const intermediateEntrySchema = z.strictObject({
  id,
  rootId: id,
  createdAt: isoDate,
});
export type IntermediateEntry = z.infer<typeof intermediateEntrySchema>;

/** `ca/ca.json`: the commit point of every CA change. */
export const manifestSchema = z.strictObject({
  version: z.literal(1),
  trustDomain: z.string().min(1),
  keyType: z.enum(KEY_TYPES),
  createdAt: isoDate,
  bundleSequence: z.number().int().nonnegative(),
  policy: policySchema,
  roots: z.array(rootEntrySchema).min(1),
  intermediates: z.array(intermediateEntrySchema).min(1),
});
export type CaManifest = z.infer<typeof manifestSchema>;

/**
 * One line of `ca/journal.jsonl`. `expired-svids` lines are written by compaction in place of the expired
 * `svid` lines it dropped: `count` of them, the latest `not_after` among them.
 */
export const journalRecordSchema = z.strictObject({
  ts: isoDate,
  kind: z.enum(['svid', 'root', 'intermediate', 'retire-root', 'expired-svids']),
  serial: z.string(),
  spiffe_id: z.string(),
  not_after: isoDate,
  requester: z.string(),
  root_id: z.string(),
  intermediate_id: z.string().optional(),
  count: z.number().int().positive().optional(),
});
export type JournalRecord = z.infer<typeof journalRecordSchema>;
