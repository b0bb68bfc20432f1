/**
 * @module The CA's files in `<stateDir>/ca/`: layout, loading with startup checks (every key matches its
 * certificate, every chain verifies, the bundle holds exactly the manifest's roots) and commits. State layer.
 * Corrupt, missing or mismatched files stop the CA with an error naming the file; nothing is regenerated.
 */
import type { KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import { TrustBundle } from '../bundle.js';
import { Certificate } from '../certificate.js';
import { type CaManifest, type IntermediateEntry, manifestSchema, type RootEntry } from '../config.js';
import { CitadelError } from '../errors.js';
import { keyMatchesSpki, keyTypeOf, privateKeyFromPem } from '../keys.js';
import { trustDomainId } from '../spiffe-id.js';
import { signedBy } from '../validator.js';

/** Paths of every file citadel keeps. */
export interface CaPaths {
  dir: string;
  manifest: string;
  bundlePem: string;
  bundleJson: string;
  journal: string;
  usedTokens: string;
  tokenKey: string;
  rootCert(id: string): string;
  rootKey(id: string): string;
  intermediateCert(id: string): string;
  intermediateKey(id: string): string;
}

export function caPaths(stateDir: string): CaPaths {
  const dir = join(stateDir, 'ca');
  return {
    dir,
    manifest: join(dir, 'ca.json'),
    bundlePem: join(dir, 'bundle.pem'),
    bundleJson: join(dir, 'bundle.spiffe.json'),
    journal: join(dir, 'journal.jsonl'),
    usedTokens: join(dir, 'used-tokens.jsonl'),
    tokenKey: join(dir, 'token-signing.key.pem'),
    rootCert: (id) => join(dir, 'roots', `${id}.cert.pem`),
    rootKey: (id) => join(dir, 'roots', `${id}.key.pem`),
    intermediateCert: (id) => join(dir, 'intermediates', `${id}.cert.pem`),
    intermediateKey: (id) => join(dir, 'intermediates', `${id}.key.pem`),
  };
}

export interface LoadedRoot {
  entry: RootEntry;
  cert: Certificate;
  key: KeyObject;
}

export interface LoadedIntermediate {
  entry: IntermediateEntry;
  cert: Certificate;
  key: KeyObject;
}

/** Everything the CA needs in memory, checked. */
export interface CaState {
  paths: CaPaths;
  manifest: CaManifest;
  roots: LoadedRoot[];
  intermediates: LoadedIntermediate[];
  bundle: TrustBundle;
  tokenKey: KeyObject;
}

function corrupt(file: string, reason: string, cause?: unknown): CitadelError {
  return new CitadelError('ERR_CITADEL_STATE_CORRUPT', `${file}: ${reason}`, { cause });
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message;
    throw corrupt(file, `cannot read CA file: ${reason}`, err);
  }
}

async function readCert(file: string): Promise<Certificate> {
  const text = await readText(file);
  let certs: Certificate[];
  try {
    certs = Certificate.fromPem(text, file);
  } catch (err) {
    throw corrupt(file, `not a valid certificate: ${(err as Error).message.replace(`${file}: `, '')}`, err);
  }
  if (certs.length !== 1) throw corrupt(file, `expected one certificate, found ${certs.length}`);
  return certs[0] as Certificate;
}

async function readKey(file: string, cert?: Certificate, certFile?: string): Promise<KeyObject> {
  const text = await readText(file);
  let key: KeyObject;
  try {
    key = privateKeyFromPem(text, file);
    keyTypeOf(key);
  } catch (err) {
    throw corrupt(file, (err as Error).message.replace(`${file}: `, ''), err);
  }
  if (cert !== undefined && !keyMatchesSpki(key, cert.decoded.spki)) {
    throw corrupt(file, `private key does not match the certificate in ${certFile}`);
  }
  return key;
}

/** True when a CA has been initialised in `stateDir` (its manifest exists). */
export async function caExists(stateDir: string): Promise<boolean> {
  try {
    await readFile(caPaths(stateDir).manifest);
    return true;
  } catch {
    return false;
  }
}

/** Load and check the CA in `stateDir`. @throws `ERR_CITADEL_STATE_MISSING` / `ERR_CITADEL_STATE_CORRUPT` */
export async function loadCaState(stateDir: string): Promise<CaState> {
  const paths = caPaths(stateDir);
  let manifestText: string;
  try {
    manifestText = await readFile(paths.manifest, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw corrupt(paths.manifest, (err as Error).message, err);
    const leftovers = await readdir(paths.dir).catch(() => [] as string[]);
    if (leftovers.length > 0) {
      throw corrupt(
        paths.manifest,
        `missing, but ${paths.dir} holds other CA files; refusing to start a new CA over them`,
      );
    }
    throw new CitadelError(
      'ERR_CITADEL_STATE_MISSING',
      `no CA in ${paths.dir} (create one with: palisade ca init --trust-domain <td>)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(manifestText);
  } catch (err) {
    throw corrupt(paths.manifest, `not valid JSON: ${(err as Error).message}`, err);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(
      paths.manifest,
      `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const manifest = parsed.data;
  const tdUri = trustDomainId(manifest.trustDomain).toString();

  const roots: LoadedRoot[] = [];
  for (const entry of manifest.roots) {
    const certFile = paths.rootCert(entry.id);
    const cert = await readCert(certFile);
    if (!cert.isCa || !cert.isSelfIssued || !signedBy(cert, cert)) {
      throw corrupt(certFile, 'not a self-signed CA certificate');
    }
    if (cert.san.uris.length !== 1 || cert.san.uris[0] !== tdUri) {
      throw corrupt(certFile, `URI SAN is not the trust domain ID ${tdUri}`);
    }
    roots.push({ entry, cert, key: await readKey(paths.rootKey(entry.id), cert, certFile) });
  }
  const intermediates: LoadedIntermediate[] = [];
  for (const entry of manifest.intermediates) {
    const certFile = paths.intermediateCert(entry.id);
    const cert = await readCert(certFile);
    const root = roots.find((r) => r.entry.id === entry.rootId);
    if (root === undefined)
      throw corrupt(paths.manifest, `intermediate ${entry.id} names unknown root ${entry.rootId}`);
    if (!cert.isCa || !signedBy(cert, root.cert)) {
      throw corrupt(certFile, `not a CA certificate signed by root ${entry.rootId}`);
    }
    intermediates.push({ entry, cert, key: await readKey(paths.intermediateKey(entry.id), cert, certFile) });
  }

  const bundle = await loadBundle(paths, manifest, roots);
  const tokenKey = await readKey(paths.tokenKey);
  if (keyTypeOf(tokenKey) !== 'ec-p256')
    throw corrupt(paths.tokenKey, 'join-token signing key must be EC P-256');
  return { paths, manifest, roots, intermediates, bundle, tokenKey };
}

async function loadBundle(paths: CaPaths, manifest: CaManifest, roots: LoadedRoot[]): Promise<TrustBundle> {
  const text = await readText(paths.bundlePem);
  let bundle: TrustBundle;
  try {
    bundle = TrustBundle.fromPem(text, manifest.trustDomain, paths.bundlePem, manifest.bundleSequence);
  } catch (err) {
    throw corrupt(paths.bundlePem, (err as Error).message.replace(`${paths.bundlePem}: `, ''), err);
  }
  for (const r of roots) {
    if (!bundle.hasRoot(r.cert)) {
      throw corrupt(
        paths.bundlePem,
        `does not contain root ${r.entry.id} (serial ${r.cert.serial}) from ca.json`,
      );
    }
  }
  for (const c of bundle.roots) {
    if (!roots.some((r) => r.cert.der.equals(c.der))) {
      throw corrupt(paths.bundlePem, `contains a root (serial ${c.serial}) that ca.json does not list`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(await readText(paths.bundleJson));
  } catch (err) {
    if (err instanceof CitadelError) throw err;
    throw corrupt(paths.bundleJson, `not valid JSON: ${(err as Error).message}`, err);
  }
  let spiffe: TrustBundle;
  try {
    spiffe = TrustBundle.fromSpiffeBundle(json, manifest.trustDomain, paths.bundleJson);
  } catch (err) {
    throw corrupt(paths.bundleJson, (err as Error).message.replace(`${paths.bundleJson}: `, ''), err);
  }
  if (spiffe.sequence !== manifest.bundleSequence) {
    throw corrupt(
      paths.bundleJson,
      `spiffe_sequence ${spiffe.sequence} differs from ca.json bundleSequence ${manifest.bundleSequence}`,
    );
  }
  if (spiffe.roots.length !== bundle.roots.length || !spiffe.roots.every((r) => bundle.hasRoot(r))) {
    throw corrupt(paths.bundleJson, 'roots differ from bundle.pem');
  }
  return bundle;
}

/** A file to create as part of a commit. */
export interface NewFile {
  path: string;
  data: string;
  mode: number;
}

/**
 * Commit a CA change: new key/cert files first, then the bundle, then `ca.json` last (the commit point),
 * each written durably and atomically.
 */
export async function commitCaState(
  paths: CaPaths,
  manifest: CaManifest,
  bundle: TrustBundle,
  files: NewFile[],
): Promise<void> {
  for (const f of files) await writeFileDurable(f.path, f.data, { mode: f.mode });
  await writeFileDurable(paths.bundlePem, bundle.toPem(), { mode: FileMode.public });
  await writeFileDurable(paths.bundleJson, `${JSON.stringify(bundle.toSpiffeBundle(), null, 2)}\n`, {
    mode: FileMode.public,
  });
  await writeFileDurable(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`, { mode: FileMode.public });
}
