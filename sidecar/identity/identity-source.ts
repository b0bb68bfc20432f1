/**
 * @module Where the sidecar's SVID comes from: citadel (join token first, then renewal with the current
 * SVID at half-life with jitter, plus the trust-bundle watch), or, without citadel, the SVID directory as
 * the operator maintains it. Identity layer; both feed one TlsContextStore.
 */
import type { Logger } from '../../lib/logger.js';
import type { SidecarMetrics } from '../admin/metrics.js';
import type { SidecarConfig } from '../config.js';
import { SidecarError } from '../errors.js';
import { TlsContextStore } from '../tls/context-store.js';
import { parsePeerId } from '../tls/peer-identity.js';
import { readSvidDir, watchSvidDir } from './svid-files.js';

export interface IdentitySource {
  readonly store: TlsContextStore;
  /** `citadel` or `files`. */
  readonly mode: 'citadel' | 'files';
  close(): Promise<void>;
}

export interface IdentityDeps {
  readonly logger: Logger;
  readonly metrics: SidecarMetrics;
  /** Resolve a config path against the config's base directory. */
  readonly path: (p: string) => string;
  /** Poll interval for the SVID directory (files mode). */
  readonly pollMs?: number;
}

export async function startIdentity(config: SidecarConfig, deps: IdentityDeps): Promise<IdentitySource> {
  const dir = deps.path(config.identity.dir);
  if (config.citadel !== undefined) {
    // Loaded only in citadel mode: the gRPC client and its protobuf machinery cost a sidecar that reads
    // its SVID from files several megabytes of memory for nothing.
    const { startCitadelIdentity } = await import('./citadel-identity.js');
    return startCitadelIdentity(config, { ...deps, dir });
  }
  const store = new TlsContextStore(
    await readSvidDir(dir),
    parsePeerId(config.identity.spiffe_id).trustDomain,
  );
  if (store.info.spiffeId !== config.identity.spiffe_id) {
    throw new SidecarError(
      'ERR_SIDECAR_IDENTITY',
      `${dir}/cert.pem names ${store.info.spiffeId}, but identity.spiffe_id is ${config.identity.spiffe_id}`,
    );
  }
  const stop = watchSvidDir(dir, store, deps.pollMs ?? 2000, deps.logger, deps.metrics);
  return {
    store,
    mode: 'files',
    close: async () => stop(),
  };
}
