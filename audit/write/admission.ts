/**
 * @module Whether the writer takes a record right now, and whether it is healthy. Write layer. Pure
 * functions of the writer's state, so `record()` and `status()` give the same reasons.
 */
import type { AuditConfig } from '../config.js';

export interface AdmissionState {
  closing: boolean;
  /** Records waiting to be written. */
  queued: number;
  capacity: number;
  mode: AuditConfig['mode'];
  /** The last write error, null once writing works again. */
  writeError: string | null;
}

/** Why a record would be refused right now, or null when it is taken. */
export function refusalReason(s: AdmissionState): string | null {
  if (s.closing) return 'the audit log is closed';
  if (s.queued >= s.capacity) return `audit buffer full (${s.queued} records waiting to be written)`;
  if (s.mode === 'block' && s.writeError !== null) return `audit log cannot be written: ${s.writeError}`;
  return null;
}

/** What is wrong with the log, in either mode, or null when records are being written normally. */
export function unhealthyReason(s: AdmissionState): string | null {
  if (s.closing) return 'the audit log is closed';
  if (s.writeError !== null) return `audit log cannot be written: ${s.writeError}`;
  if (s.mode === 'block' && s.queued >= s.capacity) {
    return `audit buffer full (${s.queued} records waiting to be written)`;
  }
  return null;
}

/** Healthy enough to serve: drop mode keeps serving whatever happens to the disk (losses become gaps). */
export function isHealthy(s: AdmissionState): boolean {
  if (s.mode === 'drop') return !s.closing;
  return unhealthyReason(s) === null;
}
