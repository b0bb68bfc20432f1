/**
 * @module Identity from citadel: first SVID with a join token, renewal with the current SVID at half-life
 * (with jitter), and the trust bundle from citadel's WatchTrustBundle stream. Identity layer.
 */
import type { SidecarConfig } from '../config.js';
import { SidecarError } from '../errors.js';
import type { IdentityDeps, IdentitySource } from './identity-source.js';

export async function startCitadelIdentity(
  _config: SidecarConfig,
  _deps: IdentityDeps & { dir: string },
): Promise<IdentitySource> {
  throw new SidecarError('ERR_SIDECAR_IDENTITY', 'citadel client not wired yet');
}
