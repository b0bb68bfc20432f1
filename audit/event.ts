/**
 * @module The events writers hand to the audit log: one per authorization decision (`authz`), quota
 * decision (`quota`) and certificate issuance or rotation (`identity`). Event layer: plain typed objects
 * on the hot path, with zod schemas for events that arrive from outside a process.
 */
import { z } from 'zod';

/** The outcome of a decision. `error` means the decision could not be made (and the request was refused). */
export const DECISIONS = ['allow', 'deny', 'error'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Kinds of decision an audit record can describe. */
export const EVENT_KINDS = ['authz', 'quota', 'identity'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A W3C trace-id: 32 lowercase hex digits. */
export const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;

const peerSchema = z.strictObject({
  /** Caller's SPIFFE ID from its mTLS certificate; null when the caller presented none. */
  principal: z.string().nullable().optional(),
  /** Caller's IP address. */
  address: z.string().optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  /** Whether the connection was mutual TLS. */
  mtls: z.boolean(),
});

const destinationSchema = z.strictObject({
  /** Logical service name the request was addressed to. */
  service: z.string(),
  /** The destination workload's SPIFFE ID. */
  principal: z.string().optional(),
  port: z.number().int().min(0).max(65_535).optional(),
});

const requestSchema = z.strictObject({
  protocol: z.enum(['http1', 'http2', 'grpc', 'tcp']),
  /** HTTP method, or for gRPC the full method `/pkg.Service/Method`. */
  method: z.string().optional(),
  path: z.string().optional(),
  host: z.string().optional(),
});

const policySchema = z.strictObject({
  /** Rego entrypoint evaluated, e.g. `palisade/authz/allow`. */
  entrypoint: z.string(),
  /** Hash of the policy bundle that made the decision. */
  revision: z.string().optional(),
});

const baseFields = {
  /** UUID of this decision; generated when absent. */
  decision_id: z.uuid().optional(),
  request_id: z.string().optional(),
  /** W3C trace-id (32 lowercase hex digits). */
  trace_id: z.string().regex(TRACE_ID_PATTERN).optional(),
  /** Milliseconds since the epoch; defaults to the log's clock when recorded. */
  ts: z.number().optional(),
  decision: z.enum(DECISIONS),
  /** Why: the policy's reason, the quota that ran out, the error. Never policy internals or secrets. */
  reason: z.string().optional(),
};

/** An authorization decision made by a sidecar for one request or connection. */
export const authzEventSchema = z.strictObject({
  kind: z.literal('authz'),
  ...baseFields,
  source: peerSchema,
  destination: destinationSchema,
  request: requestSchema,
  policy: policySchema.optional(),
  /** Status returned to the caller (HTTP status, or gRPC status code for grpc). */
  status: z.number().int().optional(),
  latency_us: z.number().min(0).optional(),
  /** The policy input document (masked before writing: credentials never reach the log). */
  input: z.unknown().optional(),
});

/** A quota (rate limit) decision. */
export const quotaEventSchema = z.strictObject({
  kind: z.literal('quota'),
  ...baseFields,
  source: peerSchema,
  destination: destinationSchema,
  request: requestSchema.optional(),
  quota: z.strictObject({
    /** Which quota, e.g. `per-principal`. */
    name: z.string(),
    limit: z.number(),
    remaining: z.number(),
    window_ms: z.number().optional(),
  }),
  status: z.number().int().optional(),
  latency_us: z.number().min(0).optional(),
});

/** A certificate issuance, renewal, rotation or revocation (citadel, or a sidecar rotating its SVID). */
export const identityEventSchema = z.strictObject({
  kind: z.literal('identity'),
  ...baseFields,
  action: z.enum(['issue', 'renew', 'rotate', 'revoke']),
  /** Who asked (for citadel: the CSR's authenticated caller). */
  source: peerSchema.optional(),
  svid: z.strictObject({
    /** SPIFFE ID the certificate names. */
    subject: z.string(),
    /** Serial number (hex); never the certificate or key itself. */
    serial: z.string().optional(),
    /** SHA-256 fingerprint of the certificate (hex). */
    fingerprint: z.string().optional(),
    not_after: z.string().optional(),
  }),
});

/** Any event accepted by `AuditLog.record`. */
export const auditEventSchema = z.discriminatedUnion('kind', [
  authzEventSchema,
  quotaEventSchema,
  identityEventSchema,
]);

export type Peer = z.infer<typeof peerSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type RequestInfo = z.infer<typeof requestSchema>;
export type PolicyRef = z.infer<typeof policySchema>;
/** One authorization decision. */
export type AuthzEvent = z.infer<typeof authzEventSchema>;
/** One quota decision. */
export type QuotaEvent = z.infer<typeof quotaEventSchema>;
/** One certificate lifecycle event. */
export type IdentityEvent = z.infer<typeof identityEventSchema>;
/** Any event the audit log accepts. */
export type AuditEvent = AuthzEvent | QuotaEvent | IdentityEvent;
