/**
 * @module The versioned audit record: what one line of an audit log file holds. Record layer.
 * Decision records (`authz`, `quota`, `identity`) carry an event; `header`, `checkpoint`, `retention`
 * and `gap` records are the log's own bookkeeping and are chained and signed like the others.
 */
import { z } from 'zod';
import { authzEventSchema, identityEventSchema, quotaEventSchema } from './event.js';

/** Version of the record schema, written as `v` in every record. Bumped on any incompatible change. */
export const RECORD_VERSION = 1;
/** Every audit line carries `type: "audit"`, so a record that strays into another stream is recognisable. */
export const RECORD_TYPE = 'audit';

/** A SHA-256 in hex, as hashes are written. */
export const HEX64_PATTERN = /^[0-9a-f]{64}$/;
const hex64 = z.string().regex(HEX64_PATTERN, 'expected 64 lowercase hex digits');
/** `ts` of every record: RFC 3339 UTC with milliseconds. */
export const recordTimestampSchema = z.iso.datetime({ precision: 3 });
const timestamp = recordTimestampSchema;

const envelope = {
  type: z.literal(RECORD_TYPE),
  v: z.literal(RECORD_VERSION),
  /** Position in the log's chain: contiguous from 1 across all files of one log directory. */
  seq: z.number().int().min(1),
  /** RFC 3339 UTC with milliseconds. */
  ts: timestamp,
  /** SPIFFE ID of the process that wrote the record. */
  writer: z.string(),
  /** SHA-256 link: see chain.ts. Always the last member of the line. */
  hash: hex64,
};

/** Envelope fields of decision records: the event's `ts` (ms) becomes RFC 3339, `decision_id` is always set. */
const decisionEnvelope = { ...envelope, decision_id: z.string().min(1) };
const omitted = { ts: true, decision_id: true } as const;

export const authzRecordSchema = authzEventSchema.omit(omitted).extend(decisionEnvelope);
export const quotaRecordSchema = quotaEventSchema.omit(omitted).extend(decisionEnvelope);
export const identityRecordSchema = identityEventSchema.omit(omitted).extend(decisionEnvelope);

/** First record of every file: links the file to the previous one. */
export const headerRecordSchema = z.strictObject({
  ...envelope,
  kind: z.literal('header'),
  /** This file's name without extension (`audit-000002-20261124T043000Z`). */
  file: z.string(),
  /** Previous file of this log (null for the first file ever). */
  prev_file: z.string().nullable(),
  /** Hash of the last record of the previous file (64 zeros for the first file ever). */
  prev_hash: hex64,
  /** JWK thumbprint (RFC 7638) of the key that signs this file's checkpoints. */
  key_id: z.string(),
  /** Set when the previous run ended without closing the log (crash, kill -9, power loss). */
  recovery: z
    .strictObject({
      /** Bytes of a half-written last line left in the previous file. */
      torn_bytes: z.number().int().min(0),
      /** Records after the previous file's last checkpoint, never signed. */
      unsigned_records: z.number().int().min(0),
    })
    .optional(),
});

/** Signed statement that the chain up to `covers_seq` has hash `chain_hash`. */
export const checkpointRecordSchema = z.strictObject({
  ...envelope,
  kind: z.literal('checkpoint'),
  /** Last record covered (the record just before this checkpoint). */
  covers_seq: z.number().int().min(1),
  /** Chain hash after `covers_seq`. */
  chain_hash: hex64,
  /** Records written since the previous checkpoint (headers, gaps and retention records included). */
  records: z.number().int().min(0),
  /** True for the checkpoint written when the log (or a file) is closed cleanly. */
  final: z.boolean(),
  key_id: z.string(),
  /** JWS compact serialization (ES256) of the checkpoint payload: see checkpoint.ts. */
  jws: z.string(),
});

/** Written when retention removed files: what went, so a verifier can tell pruning from tampering. */
export const retentionRecordSchema = z.strictObject({
  ...envelope,
  kind: z.literal('retention'),
  removed: z.array(
    z.strictObject({
      file: z.string(),
      bytes: z.number().int().min(0),
      /** Last record of the removed file and its hash (from the next file's header). */
      last_seq: z.number().int().min(0).nullable(),
      last_hash: hex64.nullable(),
      reason: z.enum(['max_files', 'max_age']),
    }),
  ),
});

/** Records refused in `drop` mode (or lost to a write error), written as soon as writing resumes. */
export const gapRecordSchema = z.strictObject({
  ...envelope,
  kind: z.literal('gap'),
  dropped: z.number().int().min(1),
  first_at: timestamp,
  last_at: timestamp,
  reason: z.string(),
});

/** Any line of an audit log. */
export const auditRecordSchema = z.discriminatedUnion('kind', [
  authzRecordSchema,
  quotaRecordSchema,
  identityRecordSchema,
  headerRecordSchema,
  checkpointRecordSchema,
  retentionRecordSchema,
  gapRecordSchema,
]);

export type AuthzRecord = z.infer<typeof authzRecordSchema>;
export type QuotaRecord = z.infer<typeof quotaRecordSchema>;
export type IdentityRecord = z.infer<typeof identityRecordSchema>;
export type HeaderRecord = z.infer<typeof headerRecordSchema>;
export type CheckpointRecord = z.infer<typeof checkpointRecordSchema>;
export type RetentionRecord = z.infer<typeof retentionRecordSchema>;
export type GapRecord = z.infer<typeof gapRecordSchema>;
/** A decision record: what `export` emits. */
export type DecisionRecord = AuthzRecord | QuotaRecord | IdentityRecord;
/** Any record. */
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** Any decision record: what `export` reads and emits. */
export const decisionRecordSchema = z.discriminatedUnion('kind', [
  authzRecordSchema,
  quotaRecordSchema,
  identityRecordSchema,
]);

/** Kinds the log writes for itself rather than for a caller. */
export const INTERNAL_KINDS = ['header', 'checkpoint', 'retention', 'gap'] as const;

export function isDecisionRecord(record: AuditRecord): record is DecisionRecord {
  return record.kind === 'authz' || record.kind === 'quota' || record.kind === 'identity';
}
