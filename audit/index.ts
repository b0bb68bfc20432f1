/**
 * @module Public API of the audit package: the `audit:` config schema, the event types, and
 * `openAuditLog` for writers (sidecar, citadel); verification and export for tools. Re-exports only.
 */
export {
  type AuditSigningKey,
  PUBLIC_KEYS_FILE,
  readVerificationKeys,
  type VerificationKeys,
} from './audit-key.js';
export { type AuditConfig, type AuditConfigInput, auditConfigSchema, parseSize } from './config.js';
export { AuditError, type AuditErrorCode } from './errors.js';
export {
  type AuditEvent,
  type AuthzEvent,
  auditEventSchema,
  authzEventSchema,
  DECISIONS,
  type Decision,
  type Destination,
  EVENT_KINDS,
  type EventKind,
  type IdentityEvent,
  identityEventSchema,
  type Peer,
  type PolicyRef,
  type QuotaEvent,
  quotaEventSchema,
  type RequestInfo,
} from './event.js';
export { EXPORT_FORMATS, type ExportFormat, type ExportSummary, exportLogs } from './export/export-log.js';
export type { ExportFilter } from './export/filter.js';
export {
  type AuditRecord,
  auditRecordSchema,
  type CheckpointRecord,
  type DecisionRecord,
  type HeaderRecord,
  RECORD_VERSION,
} from './record.js';
export { findLogDirs } from './segments.js';
export type { Problem, ProblemKind, VerifyResult } from './verify/problems.js';
export { verifyLog } from './verify/verify-log.js';
export type {
  AuditCounters,
  AuditLog,
  AuditStatus,
  Clock,
  OpenAuditLogOptions,
} from './write/audit-log-api.js';
export { openAuditLog } from './write/open-audit-log.js';
