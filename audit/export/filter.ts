/**
 * @module Export filters: which decision records `audit export` keeps. Export layer. Times compare as
 * strings: every record's `ts` is RFC 3339 UTC with milliseconds, so string order is time order.
 */
import type { Decision, EventKind } from '../event.js';
import type { DecisionRecord } from '../record.js';

export interface ExportFilter {
  /** Inclusive lower bound, ms since the epoch. */
  since?: number;
  /** Exclusive upper bound, ms since the epoch. */
  until?: number;
  decision?: Decision;
  kind?: EventKind;
  /** Caller's SPIFFE ID (`source.principal`), or the subject of an identity record. */
  principal?: string;
  /** Destination service name. */
  service?: string;
}

/** Compile a filter to a predicate. */
export function compileFilter(filter: ExportFilter): (record: DecisionRecord) => boolean {
  const since = filter.since === undefined ? undefined : new Date(filter.since).toISOString();
  const until = filter.until === undefined ? undefined : new Date(filter.until).toISOString();
  const { decision, kind, principal, service } = filter;
  return (r) => {
    if (since !== undefined && r.ts < since) return false;
    if (until !== undefined && r.ts >= until) return false;
    if (decision !== undefined && r.decision !== decision) return false;
    if (kind !== undefined && r.kind !== kind) return false;
    if (principal !== undefined) {
      const who =
        r.kind === 'identity'
          ? r.svid.subject === principal
            ? principal
            : r.source?.principal
          : r.source.principal;
      if (who !== principal) return false;
    }
    if (service !== undefined && (r.kind === 'identity' || r.destination.service !== service)) return false;
    return true;
  };
}
