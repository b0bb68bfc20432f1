import { unlink } from 'node:fs/promises';
import { TrustBundle } from './bundle.js';
import {
  iso,
  journalEntry,
  type LifecycleOptions,
  makeIntermediate,
  makeRoot,
  pairFiles,
} from './ca-generation.js';
import type { Certificate } from './certificate.js';
import { systemClock } from './clock.js';
import { type CaManifest, DEFAULT_ROOT_OVERLAP_MS } from './config.js';
import { CitadelError } from './errors.js';
import { emitIdentityEvent } from './identity-events.js';
import { withCaLock } from './state/ca-lock.js';
import { type CaPaths, commitCaState, loadCaState } from './state/ca-store.js';
import { activeRootEntry, newGenerationId, rootStatus } from './state/hierarchy.js';
import { IssuanceJournal } from './state/journal.js';

export type { LifecycleOptions } from './ca-generation.js';
export { type InitOptions, type InitResult, initCa } from './ca-init.js';

/** Replace the active root's intermediate; SVIDs issued by the old one stay valid until they expire. */
export function rotateIntermediate(
  options: LifecycleOptions,
): Promise<{ previous: Certificate; intermediate: Certificate }> {
  return withCaLock(options.stateDir, 'ca rotate-intermediate', () => rotateIntermediateLocked(options));
}

async function rotateIntermediateLocked(
  options: LifecycleOptions,
): Promise<{ previous: Certificate; intermediate: Certificate }> {
  const clock = options.clock ?? systemClock;
  const state = await loadCaState(options.stateDir);
  const { manifest, paths } = state;
  const now = clock.now();
  const rootEntry = activeRootEntry(manifest, now);
  const root = state.roots.find((r) => r.entry.id === rootEntry.id)!;
  const old = state.intermediates.find((i) => i.entry.rootId === rootEntry.id)!;
  const intId = newGenerationId(now);
  const fresh = await makeIntermediate(
    manifest.trustDomain,
    manifest.keyType,
    manifest.policy,
    intId,
    root,
    clock,
  );
  const next: CaManifest = {
    ...manifest,
    intermediates: [
      ...manifest.intermediates.filter((i) => i.id !== old.entry.id),
      { id: intId, rootId: rootEntry.id, createdAt: iso(now) },
    ],
  };
  await commitCaState(
    paths,
    next,
    state.bundle,
    pairFiles(paths.intermediateCert(intId), paths.intermediateKey(intId), fresh),
  );
  // The old key signs nothing more; its certificate stays on disk for leaves that still carry it.
  await unlink(paths.intermediateKey(old.entry.id)).catch(() => undefined);
  await new IssuanceJournal(paths.journal).record(
    journalEntry('intermediate', fresh.cert, manifest.trustDomain, rootEntry.id, now, intId),
  );
  emitIdentityEvent(
    {
      type: 'ca.intermediate.rotated',
      intermediateSerial: fresh.cert.serial,
      previousSerial: old.cert.serial,
      rootSerial: root.cert.serial,
    },
    options.logger,
  );
  return { previous: old.cert, intermediate: fresh.cert };
}

export interface RotateRootOptions extends LifecycleOptions {
  /** How long the old root stays trusted after the new one activates (default 24h). */
  overlapMs?: number;
  /** Delay between the new root joining the bundle and issuance switching to it (default 0). */
  activateAfterMs?: number;
}

/**
 * Start a root rotation: a new root (and an intermediate under it) joins the bundle now, so every peer trusts
 * both; issuance switches to the new hierarchy at `activateAt`; the old root may be retired after the overlap.
 */
export function rotateRoot(options: RotateRootOptions): Promise<RotateRootResult> {
  return withCaLock(options.stateDir, 'ca rotate-root', () => rotateRootLocked(options));
}

export interface RotateRootResult {
  root: Certificate;
  intermediate: Certificate;
  activateAt: string;
  retireAfter: string;
  bundleSequence: number;
}

async function rotateRootLocked(options: RotateRootOptions): Promise<RotateRootResult> {
  const clock = options.clock ?? systemClock;
  const state = await loadCaState(options.stateDir);
  const { manifest, paths } = state;
  const now = clock.now();
  if (manifest.roots.length > 1) {
    const pending = manifest.roots.filter((r) => rootStatus(manifest, r, now) !== 'active').map((r) => r.id);
    throw new CitadelError(
      'ERR_CITADEL_ROTATION_IN_PROGRESS',
      `a root rotation is already in progress (roots ${pending.join(', ')} not yet retired); finish it with: palisade ca retire-root`,
    );
  }
  const overlap = options.overlapMs ?? DEFAULT_ROOT_OVERLAP_MS;
  const activateAt = now + (options.activateAfterMs ?? 0);
  const retireAfter = activateAt + overlap;
  const rootId = newGenerationId(now);
  const intId = newGenerationId(now);
  const root = await makeRoot(manifest.trustDomain, manifest.keyType, manifest.policy, rootId, clock);
  const intermediate = await makeIntermediate(
    manifest.trustDomain,
    manifest.keyType,
    manifest.policy,
    intId,
    root,
    clock,
  );
  const next: CaManifest = {
    ...manifest,
    bundleSequence: manifest.bundleSequence + 1,
    roots: [
      ...manifest.roots.map((r) => ({ ...r, retireAfter: iso(retireAfter) })),
      { id: rootId, createdAt: iso(now), activateAt: iso(activateAt) },
    ],
    intermediates: [...manifest.intermediates, { id: intId, rootId, createdAt: iso(now) }],
  };
  const bundle = new TrustBundle({
    trustDomain: manifest.trustDomain,
    roots: [...state.bundle.roots, root.cert],
    sequence: next.bundleSequence,
  });
  await commitCaState(paths, next, bundle, [
    ...pairFiles(paths.rootCert(rootId), paths.rootKey(rootId), root),
    ...pairFiles(paths.intermediateCert(intId), paths.intermediateKey(intId), intermediate),
  ]);
  const journal = new IssuanceJournal(paths.journal);
  await journal.record(journalEntry('root', root.cert, manifest.trustDomain, rootId, now));
  await journal.record(
    journalEntry('intermediate', intermediate.cert, manifest.trustDomain, rootId, now, intId),
  );
  emitIdentityEvent(
    {
      type: 'ca.root.rotated',
      newRootSerial: root.cert.serial,
      activateAt: iso(activateAt),
      previousRootRetireAfter: iso(retireAfter),
    },
    options.logger,
  );
  emitIdentityEvent(
    {
      type: 'bundle.updated',
      trustDomain: manifest.trustDomain,
      sequence: bundle.sequence,
      roots: bundle.roots.map((r) => r.serial),
    },
    options.logger,
  );
  return {
    root: root.cert,
    intermediate: intermediate.cert,
    activateAt: iso(activateAt),
    retireAfter: iso(retireAfter),
    bundleSequence: bundle.sequence,
  };
}

export interface RetireRootOptions extends LifecycleOptions {
  force?: boolean;
}

/** Live SVIDs (not yet expired) per root id, from the issuance journal. */
export async function liveSvidsByRoot(
  paths: CaPaths,
  now: number,
): Promise<Map<string, { count: number; lastExpiry: number }>> {
  const out = new Map<string, { count: number; lastExpiry: number }>();
  for (const r of await new IssuanceJournal(paths.journal).readAll()) {
    if (r.kind !== 'svid') continue;
    const exp = Date.parse(r.not_after);
    if (exp <= now) continue;
    const cur = out.get(r.root_id) ?? { count: 0, lastExpiry: 0 };
    out.set(r.root_id, { count: cur.count + 1, lastExpiry: Math.max(cur.lastExpiry, exp) });
  }
  return out;
}

/** Remove the superseded root from the bundle once nothing depends on it (or with `force`). */
export function retireRoot(
  options: RetireRootOptions,
): Promise<{ retired: Certificate; liveSvids: number; bundleSequence: number }> {
  return withCaLock(options.stateDir, 'ca retire-root', () => retireRootLocked(options));
}

async function retireRootLocked(
  options: RetireRootOptions,
): Promise<{ retired: Certificate; liveSvids: number; bundleSequence: number }> {
  const clock = options.clock ?? systemClock;
  const state = await loadCaState(options.stateDir);
  const { manifest, paths } = state;
  const now = clock.now();
  const superseded = state.roots.find((r) => rootStatus(manifest, r.entry, now) === 'superseded');
  if (superseded === undefined) {
    const staged = manifest.roots.find((r) => rootStatus(manifest, r, now) === 'staged');
    throw new CitadelError(
      'ERR_CITADEL_NO_RETIRING_ROOT',
      staged
        ? `no root to retire yet: the new root ${staged.id} activates at ${staged.activateAt}`
        : 'no superseded root to retire (start a rotation with: palisade ca rotate-root)',
    );
  }
  const live = (await liveSvidsByRoot(paths, now)).get(superseded.entry.id);
  const retireAfter = Date.parse(superseded.entry.retireAfter ?? iso(now));
  const reasons: string[] = [];
  if (live !== undefined) {
    reasons.push(
      `${live.count} live SVID(s) still chain to it (the last expires at ${iso(live.lastExpiry)})`,
    );
  }
  if (now < retireAfter) reasons.push(`its overlap ends at ${iso(retireAfter)}`);
  if (reasons.length > 0 && options.force !== true) {
    throw new CitadelError(
      'ERR_CITADEL_ROOT_IN_USE',
      `refusing to retire root ${superseded.entry.id}: ${reasons.join('; ')}; wait, or pass --force to cut those workloads off`,
    );
  }
  const inter = state.intermediates.filter((i) => i.entry.rootId === superseded.entry.id);
  const next: CaManifest = {
    ...manifest,
    bundleSequence: manifest.bundleSequence + 1,
    roots: manifest.roots.filter((r) => r.id !== superseded.entry.id),
    intermediates: manifest.intermediates.filter((i) => i.rootId !== superseded.entry.id),
  };
  const bundle = new TrustBundle({
    trustDomain: manifest.trustDomain,
    roots: state.bundle.roots.filter((r) => !r.der.equals(superseded.cert.der)),
    sequence: next.bundleSequence,
  });
  await commitCaState(paths, next, bundle, []);
  await unlink(paths.rootKey(superseded.entry.id)).catch(() => undefined);
  for (const i of inter) await unlink(paths.intermediateKey(i.entry.id)).catch(() => undefined);
  await new IssuanceJournal(paths.journal).record(
    journalEntry('retire-root', superseded.cert, manifest.trustDomain, superseded.entry.id, now),
  );
  emitIdentityEvent(
    {
      type: 'ca.root.retired',
      rootSerial: superseded.cert.serial,
      forced: reasons.length > 0,
      liveSvids: live?.count ?? 0,
    },
    options.logger,
  );
  emitIdentityEvent(
    {
      type: 'bundle.updated',
      trustDomain: manifest.trustDomain,
      sequence: bundle.sequence,
      roots: bundle.roots.map((r) => r.serial),
    },
    options.logger,
  );
  return { retired: superseded.cert, liveSvids: live?.count ?? 0, bundleSequence: bundle.sequence };
}
