/**
 * @module Making CA generations: a root or an intermediate (key + certificate), the files that hold them, and
 * their journal records. Shared by `ca init` and the rotations. Identity layer, below rotation.ts.
 */
import type { KeyObject } from 'node:crypto';
import { FileMode } from '../lib/durable-write.js';
import type { Logger } from '../lib/logger.js';
import type { Certificate } from './certificate.js';
import type { Clock } from './clock.js';
import type { CaPolicy, JournalRecord } from './config.js';
import { generatePrivateKey, type KeyType, privateKeyToPem, signatureAlgorithmFor, spkiOf } from './keys.js';
import { signCertificate } from './signer.js';
import type { NewFile } from './state/ca-store.js';
import { intermediateCaTemplate, rootCaTemplate } from './template.js';

export interface LifecycleOptions {
  stateDir: string;
  clock?: Clock;
  logger?: Logger;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export function journalEntry(
  kind: JournalRecord['kind'],
  cert: Certificate,
  trustDomain: string,
  rootId: string,
  now: number,
  intermediateId?: string,
): JournalRecord {
  return {
    ts: iso(now),
    kind,
    serial: cert.serial,
    spiffe_id: `spiffe://${trustDomain}`,
    not_after: cert.notAfter.toISOString(),
    requester: `local:${process.env.USER ?? 'operator'}`,
    root_id: rootId,
    ...(intermediateId === undefined ? {} : { intermediate_id: intermediateId }),
  };
}

export async function makeRoot(
  trustDomain: string,
  keyType: KeyType,
  policy: CaPolicy,
  id: string,
  clock: Clock,
) {
  const key = await generatePrivateKey(keyType);
  const cert = signCertificate(
    rootCaTemplate(
      {
        trustDomain,
        spki: spkiOf(key),
        signatureAlgorithm: signatureAlgorithmFor(key),
        ttlMs: policy.rootTtlMs,
        label: id,
      },
      clock,
    ),
    key,
  );
  return { key, cert };
}

export async function makeIntermediate(
  trustDomain: string,
  keyType: KeyType,
  policy: CaPolicy,
  id: string,
  root: { key: KeyObject; cert: Certificate },
  clock: Clock,
) {
  const key = await generatePrivateKey(keyType);
  const cert = signCertificate(
    intermediateCaTemplate(
      {
        trustDomain,
        spki: spkiOf(key),
        ttlMs: policy.intermediateTtlMs,
        label: id,
        parent: root.cert,
        parentSignatureAlgorithm: signatureAlgorithmFor(root.key),
      },
      clock,
    ),
    root.key,
  );
  return { key, cert };
}

export function pairFiles(
  certPath: string,
  keyPath: string,
  pair: { key: KeyObject; cert: Certificate },
): NewFile[] {
  return [
    { path: keyPath, data: privateKeyToPem(pair.key), mode: FileMode.secret },
    { path: certPath, data: pair.cert.toPem(), mode: FileMode.public },
  ];
}
