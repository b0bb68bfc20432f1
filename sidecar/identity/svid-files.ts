/**
 * @module Reads the sidecar's SVID directory (`key.pem`, `cert.pem`, `bundle.pem`) and, when no citadel is
 * configured, watches it so an operator's `palisade cert rotate` is picked up live. Identity layer: a
 * bad or half-rotated directory is reported and the SVID in force is kept.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import type { SidecarMetrics } from '../admin/metrics.js';
import { SidecarError } from '../errors.js';
import type { SvidMaterial, TlsContextStore } from '../tls/context-store.js';

export const SVID_FILES = { key: 'key.pem', cert: 'cert.pem', bundle: 'bundle.pem' } as const;

/** Read the three PEM files; throws ERR_SIDECAR_IDENTITY naming the missing file. */
export async function readSvidDir(dir: string): Promise<SvidMaterial> {
  const read = async (name: string) => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (err) {
      throw new SidecarError(
        'ERR_SIDECAR_IDENTITY',
        `${join(dir, name)}: cannot read: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  };
  const [keyPem, certPem, bundlePem] = await Promise.all([
    read(SVID_FILES.key),
    read(SVID_FILES.cert),
    read(SVID_FILES.bundle),
  ]);
  return { keyPem, certPem, bundlePem };
}

async function dirStamp(dir: string): Promise<string> {
  const parts = await Promise.all(
    Object.values(SVID_FILES).map(async (name) => {
      const s = await stat(join(dir, name)).catch(() => undefined);
      return s ? `${s.size}:${s.mtimeMs}:${s.ino}` : 'missing';
    }),
  );
  return parts.join('|');
}

/**
 * Poll `dir` every `intervalMs` and swap new material into `store`. Returns a stop function.
 * Writers replace files atomically one by one, so a half-rotated directory (new cert, old key) fails
 * validation once and is picked up on the next poll when complete.
 */
export function watchSvidDir(
  dir: string,
  store: TlsContextStore,
  intervalMs: number,
  logger: Logger,
  metrics: SidecarMetrics,
): () => void {
  let last: string | undefined;
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      const stamp = await dirStamp(dir);
      if (last === undefined) {
        last = stamp;
        return;
      }
      if (stamp === last) return;
      const material = await readSvidDir(dir);
      const before = store.info;
      const info = store.update(material);
      last = stamp;
      const kind = info.serial !== before.serial ? 'svid' : 'bundle';
      metrics.identityUpdates.labels(kind, 'ok').inc();
      logger.info(
        {
          spiffe_id: info.spiffeId,
          serial: info.serial,
          not_after: info.notAfter.toISOString(),
          roots: info.bundleRoots,
        },
        `${kind === 'svid' ? 'SVID' : 'trust bundle'} reloaded from ${dir}`,
      );
    } catch (err) {
      metrics.identityUpdates.labels('files', 'error').inc();
      logger.warn(
        { dir, err: (err as Error).message },
        'SVID directory changed but is not usable yet; keeping the current SVID',
      );
    } finally {
      busy = false;
    }
  };
  void check();
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
