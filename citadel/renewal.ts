/**
 * @module Workload-side SVID renewal: new key → CSR → citadel (join token for a first issuance, current SVID
 * for renewal) or the local CA → validate → swap the SVID directory atomically. Plus the `--watch` loop:
 * renew at half-life with jitter, back off on failure, keep the current SVID while it is still valid.
 */
import type { Logger } from '../lib/logger.js';
import { CertificateAuthority } from './authority.js';
import type { TrustBundle } from './bundle.js';
import { CitadelClient } from './client/citadel-client.js';
import { type Clock, systemClock } from './clock.js';
import { createCsrPem } from './csr.js';
import { CitadelError } from './errors.js';
import { DEFAULT_KEY_TYPE, generatePrivateKey, type KeyType } from './keys.js';
import { parseSpiffeId, type SpiffeId } from './spiffe-id.js';
import { withCaLock } from './state/ca-lock.js';
import { readSvidDir, type SvidDirContents, svidDirIsEmpty, writeSvidDir } from './svid-dir.js';
import type { Svid } from './tls-options.js';
import { validateX509Svid } from './validator.js';

/** Where new SVIDs come from. */
export type SvidSource =
  | { kind: 'citadel'; address: string; joinToken?: string | undefined; bundle?: TrustBundle | undefined }
  | { kind: 'local'; stateDir: string };

export interface RequestSvidOptions {
  source: SvidSource;
  spiffeId: SpiffeId;
  keyType?: KeyType | undefined;
  ttlMs?: number | undefined;
  /** The SVID to authenticate a citadel renewal with (omit when using a join token). */
  current?: Svid | undefined;
  clock?: Clock | undefined;
}

/** Generate a key, send a CSR, and return the validated new SVID and bundle. */
export async function requestSvid(options: RequestSvidOptions): Promise<{ svid: Svid; bundle: TrustBundle }> {
  const key = await generatePrivateKey(options.keyType ?? DEFAULT_KEY_TYPE);
  const csrPem = createCsrPem(key, options.spiffeId);
  let chain: Svid['chain'];
  let bundle: TrustBundle;
  const source = options.source;
  if (source.kind === 'local') {
    // Locked, so a local issuance cannot interleave with a rotation or retirement in another process (e.g.
    // issue under a root that `ca retire-root` is judging unused at the same moment).
    const issued = await withCaLock(source.stateDir, 'cert issue', async () => {
      const ca = await CertificateAuthority.open(
        source.stateDir,
        options.clock ? { clock: options.clock } : {},
      );
      return ca.issue({
        csr: csrPem,
        ttlMs: options.ttlMs,
        requester: `local:${process.env.USER ?? 'operator'}`,
        via: 'local',
      });
    });
    chain = issued.chain;
    bundle = issued.bundle;
  } else {
    const trust = source.bundle;
    if (trust === undefined) {
      throw new CitadelError(
        'ERR_CITADEL_INVALID_ARGUMENT',
        'a trust bundle is needed to verify citadel (pass --bundle FILE)',
      );
    }
    const client = new CitadelClient({
      address: source.address,
      bundle: trust,
      ...(source.joinToken === undefined && options.current ? { svid: options.current } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    try {
      ({ chain, bundle } = await client.createCertificate({
        csrPem,
        validitySeconds: options.ttlMs === undefined ? 0 : Math.ceil(options.ttlMs / 1000),
        ...(source.joinToken === undefined ? {} : { joinToken: source.joinToken }),
      }));
    } finally {
      client.close();
    }
  }
  const id = validateX509Svid(chain, bundle, options.clock ? { clock: options.clock } : {});
  if (!id.equals(options.spiffeId)) {
    throw new CitadelError(
      'ERR_CITADEL_SVID_INVALID',
      `issued SVID names ${id}, expected ${options.spiffeId}`,
    );
  }
  return { svid: { key, chain }, bundle };
}

/** The SPIFFE ID a join token is for (read without verifying: citadel verifies it). */
export function joinTokenSubject(token: string): SpiffeId {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return parseSpiffeId(String(payload.sub));
  } catch (err) {
    throw new CitadelError(
      'ERR_CITADEL_INVALID_ARGUMENT',
      'the join token is malformed (no SPIFFE ID subject)',
      { cause: err },
    );
  }
}

export interface RotateDirOptions {
  dir: string;
  source: SvidSource;
  /** Needed for a first issuance from the local CA; otherwise taken from the current SVID or the token. */
  spiffeId?: SpiffeId | undefined;
  keyType?: KeyType | undefined;
  ttlMs?: number | undefined;
  /** Renew now regardless of remaining lifetime. */
  force?: boolean | undefined;
  /** Renew when at most this much lifetime is left; default: once past half-life. */
  ifExpiresWithinMs?: number | undefined;
  clock?: Clock | undefined;
}

export interface RotateDirResult {
  rotated: boolean;
  reason: string;
  spiffeId: string;
  serial: string;
  notAfter: string;
  previousSerial?: string;
}

/** When the SVID in `contents` is due for renewal (epoch ms). */
export function renewalDueAt(contents: SvidDirContents, ifExpiresWithinMs?: number): number {
  const leaf = contents.svid.chain[0]!;
  const start = leaf.notBefore.getTime();
  const end = leaf.notAfter.getTime();
  return ifExpiresWithinMs === undefined ? start + (end - start) / 2 : end - ifExpiresWithinMs;
}

/** Renew the SVID in `dir` if due (or forced), replacing its files atomically. */
export async function rotateSvidDir(options: RotateDirOptions): Promise<RotateDirResult> {
  const clock = options.clock ?? systemClock;
  const now = clock.now();
  const empty = await svidDirIsEmpty(options.dir);
  const current = empty ? undefined : await readSvidDir(options.dir);
  const token = options.source.kind === 'citadel' ? options.source.joinToken : undefined;
  if (current !== undefined && options.force !== true) {
    const due = renewalDueAt(current, options.ifExpiresWithinMs);
    if (now < due) {
      const leaf = current.svid.chain[0]!;
      return {
        rotated: false,
        reason: `not due until ${new Date(due).toISOString()}`,
        spiffeId: current.spiffeId.toString(),
        serial: leaf.serial,
        notAfter: leaf.notAfter.toISOString(),
      };
    }
  }
  const spiffeId = current?.spiffeId ?? options.spiffeId ?? (token ? joinTokenSubject(token) : undefined);
  if (spiffeId === undefined) {
    throw new CitadelError(
      'ERR_CITADEL_INVALID_ARGUMENT',
      `${options.dir} holds no SVID yet: give a join token (--token) or, with the local CA, --spiffe-id`,
    );
  }
  if (options.source.kind === 'citadel' && current === undefined && token === undefined) {
    throw new CitadelError(
      'ERR_CITADEL_UNAUTHENTICATED',
      `${options.dir} holds no SVID to renew with: a first issuance needs --token`,
    );
  }
  const source: SvidSource =
    options.source.kind === 'citadel'
      ? { ...options.source, bundle: options.source.bundle ?? current?.bundle }
      : options.source;
  const { svid, bundle } = await requestSvid({
    source,
    spiffeId,
    keyType: options.keyType,
    ttlMs: options.ttlMs,
    current: current?.svid,
    clock,
  });
  await writeSvidDir(options.dir, svid, bundle);
  const leaf = svid.chain[0]!;
  return {
    rotated: true,
    reason: current === undefined ? 'first issuance' : options.force ? 'forced' : 'due',
    spiffeId: spiffeId.toString(),
    serial: leaf.serial,
    notAfter: leaf.notAfter.toISOString(),
    ...(current ? { previousSerial: current.svid.chain[0]!.serial } : {}),
  };
}

export interface WatchOptions extends RotateDirOptions {
  signal: AbortSignal;
  logger?: Logger | undefined;
  /** Test seam: resolves after `ms` or when aborted. */
  sleep?: ((ms: number, signal: AbortSignal) => Promise<void>) | undefined;
  onRotate?: ((result: RotateDirResult) => void) | undefined;
  /** Backoff after failures: doubles from `minBackoffMs` to `maxBackoffMs` (defaults 1 s, 5 min). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Keep the SVID in `dir` fresh until `signal` aborts: renew at half-life (±10 % jitter so a fleet does not
 * renew in lockstep), retry failures with exponential backoff; the current files stay untouched meanwhile.
 */
export async function watchSvidDir(options: WatchOptions): Promise<void> {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? defaultSleep;
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 300_000;
  let failures = 0;
  let force = options.force === true;
  let first = true;
  while (!options.signal.aborted) {
    let wait: number;
    try {
      // A join token is single-use: after the first issuance, renew with the SVID itself.
      const source: SvidSource =
        !first && options.source.kind === 'citadel'
          ? { ...options.source, joinToken: undefined }
          : options.source;
      const result = await rotateSvidDir({ ...options, source, force });
      force = false;
      first = false;
      failures = 0;
      if (result.rotated) options.onRotate?.(result);
      const contents = await readSvidDir(options.dir);
      const leaf = contents.svid.chain[0]!;
      const lifetime = leaf.notAfter.getTime() - leaf.notBefore.getTime();
      const jitter = (Math.random() * 0.2 - 0.1) * lifetime * 0.5;
      wait = Math.max(1000, renewalDueAt(contents, options.ifExpiresWithinMs) + jitter - clock.now());
    } catch (err) {
      failures++;
      wait = Math.min(maxBackoff, minBackoff * 2 ** (failures - 1));
      wait = wait / 2 + Math.random() * (wait / 2);
      options.logger?.warn(
        { err: (err as Error).message, retryInMs: Math.round(wait) },
        'SVID renewal failed; keeping the current SVID',
      );
    }
    await sleep(wait, options.signal);
  }
}
