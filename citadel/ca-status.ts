/**
 * @module `ca status`: the CA's roots, intermediates, expiry and time left, bundle sequence, issuance counts,
 * and warnings for any CA certificate inside the expiry margin — loaded through every startup check.
 */
import { type Clock, systemClock } from './clock.js';
import { DEFAULT_EXPIRY_MARGIN_MS } from './config.js';
import { liveSvidsByRoot } from './rotation.js';
import { loadCaState } from './state/ca-store.js';
import { activeRootEntry, type RootStatus, rootStatus } from './state/hierarchy.js';
import { IssuanceJournal } from './state/journal.js';

export interface CaCertStatus {
  id: string;
  serial: string;
  subject: string;
  keyType: string;
  notBefore: string;
  notAfter: string;
  timeLeftMs: number;
}

export interface CaStatus {
  trustDomain: string;
  caDir: string;
  bundleSequence: number;
  policy: { svidDefaultTtlMs: number; svidMaxTtlMs: number };
  roots: (CaCertStatus & {
    status: RootStatus;
    activateAt: string;
    retireAfter?: string;
    liveSvids: number;
  })[];
  intermediates: (CaCertStatus & { rootId: string; active: boolean })[];
  issued: number;
  live: number;
  marginMs: number;
  /** One line per CA certificate that is expired or inside the margin. Empty when healthy. */
  warnings: string[];
}

export async function caStatus(options: {
  stateDir: string;
  clock?: Clock;
  marginMs?: number;
}): Promise<CaStatus> {
  const clock = options.clock ?? systemClock;
  const marginMs = options.marginMs ?? DEFAULT_EXPIRY_MARGIN_MS;
  const state = await loadCaState(options.stateDir);
  const now = clock.now();
  const { manifest } = state;
  const records = await new IssuanceJournal(state.paths.journal).readAll();
  // Compaction replaces expired SVID lines by counts, so the total survives it.
  const issued = records.reduce(
    (n, r) => n + (r.kind === 'svid' ? 1 : r.kind === 'expired-svids' ? (r.count ?? 0) : 0),
    0,
  );
  const live = await liveSvidsByRoot(state.paths, now);
  const activeRoot = activeRootEntry(manifest, now);
  const warnings: string[] = [];
  const describe = (kind: string, id: string, cert: (typeof state.roots)[number]['cert']): CaCertStatus => {
    const left = cert.notAfter.getTime() - now;
    if (left <= 0)
      warnings.push(`${kind} ${id} (serial ${cert.serial}) EXPIRED at ${cert.notAfter.toISOString()}`);
    else if (left < marginMs) {
      warnings.push(
        `${kind} ${id} (serial ${cert.serial}) expires at ${cert.notAfter.toISOString()}, inside the margin`,
      );
    }
    return {
      id,
      serial: cert.serial,
      subject: cert.subject,
      keyType: cert.keyType,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      timeLeftMs: left,
    };
  };
  return {
    trustDomain: manifest.trustDomain,
    caDir: state.paths.dir,
    bundleSequence: manifest.bundleSequence,
    policy: {
      svidDefaultTtlMs: manifest.policy.svidDefaultTtlMs,
      svidMaxTtlMs: manifest.policy.svidMaxTtlMs,
    },
    roots: state.roots.map((r) => ({
      ...describe('root', r.entry.id, r.cert),
      status: rootStatus(manifest, r.entry, now),
      activateAt: r.entry.activateAt,
      ...(r.entry.retireAfter === undefined ? {} : { retireAfter: r.entry.retireAfter }),
      liveSvids: live.get(r.entry.id)?.count ?? 0,
    })),
    intermediates: state.intermediates.map((i) => ({
      ...describe('intermediate', i.entry.id, i.cert),
      rootId: i.entry.rootId,
      active: i.entry.rootId === activeRoot.id,
    })),
    issued,
    live: [...live.values()].reduce((n, v) => n + v.count, 0),
    marginMs,
    warnings,
  };
}
