import { readdir } from 'node:fs/promises';
import { ensureDirDurable, FileMode } from '../lib/durable-write.js';
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
import { type CaManifest, type CaPolicy, DEFAULT_POLICY } from './config.js';
import { CitadelError } from './errors.js';
import { emitIdentityEvent } from './identity-events.js';
import { DEFAULT_KEY_TYPE, generatePrivateKey, type KeyType, privateKeyToPem } from './keys.js';
import { parseTrustDomain } from './spiffe-id.js';
import { withCaLock } from './state/ca-lock.js';
import { caPaths, commitCaState } from './state/ca-store.js';
import { newGenerationId } from './state/hierarchy.js';
import { IssuanceJournal } from './state/journal.js';

export interface InitOptions extends LifecycleOptions {
  trustDomain: string;
  keyType?: KeyType;
  policy?: Partial<CaPolicy>;
}

export interface InitResult {
  trustDomain: string;
  caDir: string;
  root: Certificate;
  intermediate: Certificate;
  bundleSequence: number;
}

/** Create a new CA (root, intermediate, join-token key, bundle). Refuses when one exists. */
export async function initCa(options: InitOptions): Promise<InitResult> {
  const trustDomain = parseTrustDomain(options.trustDomain);
  await ensureDirDurable(options.stateDir);
  return withCaLock(options.stateDir, 'ca init', () => initLocked(options, trustDomain));
}

async function initLocked(options: InitOptions, trustDomain: string): Promise<InitResult> {
  const clock = options.clock ?? systemClock;
  const paths = caPaths(options.stateDir);
  const existing = await readdir(paths.dir).catch(() => [] as string[]);
  if (existing.includes('ca.json')) {
    throw new CitadelError(
      'ERR_CITADEL_STATE_EXISTS',
      `a CA already exists in ${paths.dir}; refusing to overwrite it`,
    );
  }
  if (existing.length > 0) {
    throw new CitadelError(
      'ERR_CITADEL_STATE_EXISTS',
      `${paths.dir} is not empty but has no ca.json (an interrupted init?); move it away to start over`,
    );
  }
  const policy: CaPolicy = { ...DEFAULT_POLICY, ...options.policy };
  if (policy.svidDefaultTtlMs > policy.svidMaxTtlMs) {
    throw new CitadelError(
      'ERR_CITADEL_INVALID_ARGUMENT',
      'the default SVID TTL exceeds the maximum SVID TTL',
    );
  }
  const keyType = options.keyType ?? DEFAULT_KEY_TYPE;
  const now = clock.now();
  const rootId = newGenerationId(now);
  const intId = newGenerationId(now);
  const root = await makeRoot(trustDomain, keyType, policy, rootId, clock);
  const intermediate = await makeIntermediate(trustDomain, keyType, policy, intId, root, clock);
  const tokenKey = await generatePrivateKey('ec-p256');
  const manifest: CaManifest = {
    version: 1,
    trustDomain,
    keyType,
    createdAt: iso(now),
    bundleSequence: 1,
    policy,
    roots: [{ id: rootId, createdAt: iso(now), activateAt: iso(now) }],
    intermediates: [{ id: intId, rootId, createdAt: iso(now) }],
  };
  const bundle = new TrustBundle({ trustDomain, roots: [root.cert], sequence: 1 });
  await commitCaState(paths, manifest, bundle, [
    ...pairFiles(paths.rootCert(rootId), paths.rootKey(rootId), root),
    ...pairFiles(paths.intermediateCert(intId), paths.intermediateKey(intId), intermediate),
    { path: paths.tokenKey, data: privateKeyToPem(tokenKey), mode: FileMode.secret },
  ]);
  const journal = new IssuanceJournal(paths.journal);
  await journal.record(journalEntry('root', root.cert, trustDomain, rootId, now));
  await journal.record(journalEntry('intermediate', intermediate.cert, trustDomain, rootId, now, intId));
  emitIdentityEvent(
    {
      type: 'ca.initialized',
      trustDomain,
      rootSerial: root.cert.serial,
      intermediateSerial: intermediate.cert.serial,
    },
    options.logger,
  );
  return {
    trustDomain,
    caDir: paths.dir,
    root: root.cert,
    intermediate: intermediate.cert,
    bundleSequence: 1,
  };
}
