/**
 * @module Identity from citadel: the first SVID with a join token, renewal with the current SVID at
 * half-life with jitter (citadel's renewal loop, writing the SVID directory atomically), and the trust bundle
 * from citadel's WatchTrustBundle stream. Identity layer: every new SVID or bundle goes through the same
 * directory watcher into the TLS context store, so there is one swap path for both modes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CitadelClient,
  watchSvidDir as citadelRenewalLoop,
  parseSpiffeId,
  rotateSvidDir,
  type SvidSource,
  TrustBundle,
} from '../../citadel/index.js';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import type { SidecarConfig } from '../config.js';
import { SidecarError } from '../errors.js';
import { TlsContextStore } from '../tls/context-store.js';
import type { IdentityDeps, IdentitySource } from './identity-source.js';
import { readSvidDir, SVID_FILES, watchSvidDir } from './svid-files.js';

export async function startCitadelIdentity(
  config: SidecarConfig,
  deps: IdentityDeps & { dir: string },
): Promise<IdentitySource> {
  const citadel = config.citadel;
  if (citadel === undefined) throw new SidecarError('ERR_SIDECAR_IDENTITY', 'no citadel configured');
  const { dir, logger, metrics } = deps;
  const spiffeId = parseSpiffeId(config.identity.spiffe_id);
  const address = `${citadel.address.host}:${citadel.address.port}`;
  const bundleFile = deps.path(citadel.bundle_file);
  let bundle: TrustBundle;
  let joinToken: string | undefined;
  try {
    bundle = TrustBundle.fromPem(await readFile(bundleFile, 'utf8'), spiffeId.trustDomain, bundleFile);
    if (citadel.join_token_file !== undefined) {
      joinToken =
        (await readFile(deps.path(citadel.join_token_file), 'utf8').catch(() => '')).trim() || undefined;
    }
  } catch (err) {
    throw new SidecarError('ERR_SIDECAR_IDENTITY', `citadel.bundle_file: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const source: SvidSource = { kind: 'citadel', address, joinToken, bundle };

  // First issuance (join token) or renewal if already due; a valid SVID on disk is kept as it is.
  try {
    const first = await rotateSvidDir({ dir, source, spiffeId, ttlMs: citadel.ttl });
    logger.info(
      { spiffe_id: first.spiffeId, serial: first.serial, not_after: first.notAfter },
      `SVID: ${first.reason}`,
    );
    if (first.rotated) metrics.identityUpdates.labels('svid', 'ok').inc();
  } catch (err) {
    metrics.identityUpdates.labels('svid', 'error').inc();
    throw new SidecarError(
      'ERR_SIDECAR_IDENTITY',
      `cannot get an SVID from citadel at ${address}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const store = new TlsContextStore(await readSvidDir(dir), spiffeId.trustDomain);
  const stopFiles = watchSvidDir(dir, store, deps.pollMs ?? 1000, logger, metrics);

  // Renew at half-life with jitter, authenticated by the current SVID (the token is single-use).
  const abort = new AbortController();
  void citadelRenewalLoop({
    dir,
    source: { ...source, joinToken: undefined },
    spiffeId,
    ttlMs: citadel.ttl,
    signal: abort.signal,
    logger,
    onRotate: (r) =>
      logger.info({ serial: r.serial, not_after: r.notAfter, previous: r.previousSerial }, 'SVID renewed'),
  });

  // Follow root rotations: write the new bundle beside the SVID; the directory watcher swaps it in.
  const client = new CitadelClient({ address, bundle: store.bundle });
  const watch = client.watchTrustBundle(
    (next) => {
      const pem = next.toPem();
      if (pem === store.material.bundlePem) return;
      writeFileDurable(join(dir, SVID_FILES.bundle), pem, { mode: FileMode.public }).then(
        () =>
          logger.info(
            { sequence: next.sequence, roots: next.roots.length },
            'trust bundle updated by citadel',
          ),
        (err: Error) => {
          metrics.identityUpdates.labels('bundle', 'error').inc();
          logger.error({ err: err.message }, 'cannot store the new trust bundle; keeping the current one');
        },
      );
    },
    { onError: (err) => logger.warn({ err: err.message }, 'trust bundle watch interrupted; retrying') },
  );

  return {
    store,
    mode: 'citadel',
    close: async () => {
      abort.abort();
      watch.close();
      client.close();
      stopFiles();
    },
  };
}
