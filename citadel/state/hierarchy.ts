/**
 * @module Which root and intermediate are active at a given time, and each root's lifecycle status
 * (staged → active → superseded, then retired). Pure functions over the manifest. State layer.
 */
import { randomBytes } from 'node:crypto';
import type { CaManifest, RootEntry } from '../config.js';
import { CitadelError } from '../errors.js';

export type RootStatus = 'staged' | 'active' | 'superseded';

/** The root issuance chains to at `now`: among activated roots, the most recently activated. */
export function activeRootEntry(manifest: CaManifest, now: number): RootEntry {
  // Later manifest entries are newer generations, so on equal activation times the later one wins.
  let active: RootEntry | undefined;
  for (const r of manifest.roots) {
    const at = Date.parse(r.activateAt);
    if (at <= now && (active === undefined || at >= Date.parse(active.activateAt))) active = r;
  }
  const root = active ?? manifest.roots[0];
  if (root === undefined) throw new CitadelError('ERR_CITADEL_STATE_CORRUPT', 'ca.json lists no root');
  return root;
}

export function rootStatus(manifest: CaManifest, entry: RootEntry, now: number): RootStatus {
  if (Date.parse(entry.activateAt) > now) return 'staged';
  return activeRootEntry(manifest, now).id === entry.id ? 'active' : 'superseded';
}

/** A short random id for new CA generations, prefixed with the date for people. */
export function newGenerationId(now: number): string {
  const date = new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
  return `${date}-${randomBytes(3).toString('hex')}`;
}
