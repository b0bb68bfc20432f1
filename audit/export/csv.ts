/**
 * @module CSV output of `audit export`: one stable header, one row per decision record, RFC 4180
 * quoting. Export layer. Columns never move or disappear within a record version; new ones are appended.
 */
import type { DecisionRecord } from '../record.js';

type Column = readonly [name: string, get: (r: DecisionRecord) => unknown];

/** The columns, in order. Documented in docs/audit.md. */
export const CSV_COLUMNS: readonly Column[] = [
  ['ts', (r) => r.ts],
  ['seq', (r) => r.seq],
  ['kind', (r) => r.kind],
  ['decision', (r) => r.decision],
  ['reason', (r) => r.reason],
  ['decision_id', (r) => r.decision_id],
  ['request_id', (r) => r.request_id],
  ['trace_id', (r) => r.trace_id],
  ['writer', (r) => r.writer],
  ['source_principal', (r) => r.source?.principal],
  ['source_address', (r) => r.source?.address],
  ['source_mtls', (r) => r.source?.mtls],
  ['destination_service', (r) => (r.kind === 'identity' ? undefined : r.destination.service)],
  ['destination_principal', (r) => (r.kind === 'identity' ? undefined : r.destination.principal)],
  ['destination_port', (r) => (r.kind === 'identity' ? undefined : r.destination.port)],
  ['protocol', (r) => (r.kind === 'identity' ? undefined : r.request?.protocol)],
  ['method', (r) => (r.kind === 'identity' ? undefined : r.request?.method)],
  ['path', (r) => (r.kind === 'identity' ? undefined : r.request?.path)],
  ['host', (r) => (r.kind === 'identity' ? undefined : r.request?.host)],
  ['status', (r) => (r.kind === 'identity' ? undefined : r.status)],
  ['latency_us', (r) => (r.kind === 'identity' ? undefined : r.latency_us)],
  ['policy_entrypoint', (r) => (r.kind === 'authz' ? r.policy?.entrypoint : undefined)],
  ['policy_revision', (r) => (r.kind === 'authz' ? r.policy?.revision : undefined)],
  ['quota_name', (r) => (r.kind === 'quota' ? r.quota.name : undefined)],
  ['quota_limit', (r) => (r.kind === 'quota' ? r.quota.limit : undefined)],
  ['quota_remaining', (r) => (r.kind === 'quota' ? r.quota.remaining : undefined)],
  ['svid_action', (r) => (r.kind === 'identity' ? r.action : undefined)],
  ['svid_subject', (r) => (r.kind === 'identity' ? r.svid.subject : undefined)],
  ['svid_serial', (r) => (r.kind === 'identity' ? r.svid.serial : undefined)],
  ['hash', (r) => r.hash],
];

export const CSV_HEADER = `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;

const NEEDS_QUOTES = /[",\r\n]/;
/** Cells a spreadsheet would run as a formula (CSV injection); prefixed with `'`. */
const FORMULA = /^[=+\-@\t\r]/;

/** One CSV field: empty for absent values, quoted when needed. */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row (CRLF-terminated, as RFC 4180 says). */
export function csvRow(record: DecisionRecord): string {
  let out = '';
  for (let i = 0; i < CSV_COLUMNS.length; i++) {
    if (i > 0) out += ',';
    out += csvField((CSV_COLUMNS[i] as Column)[1](record));
  }
  return `${out}\r\n`;
}
