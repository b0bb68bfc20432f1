/**
 * @module A workload's SVID directory: `key.pem` (0600), `cert.pem` (leaf + intermediate), `bundle.pem`
 * (every trusted root). Written atomically as a set — files go into a fresh versioned folder, then one
 * symlink (`..data`) is swapped, so readers never see a key from one SVID and a certificate from another.
 */
import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FileMode, writeFileDurable } from '../lib/durable-write.js';
import { TrustBundle } from './bundle.js';
import { Certificate } from './certificate.js';
import { CitadelError } from './errors.js';
import { keyMatchesSpki, privateKeyFromPem, privateKeyToPem } from './keys.js';
import type { SpiffeId } from './spiffe-id.js';
import type { Svid } from './tls-options.js';
import { leafSpiffeId } from './validator.js';

export const SVID_FILES = { key: 'key.pem', cert: 'cert.pem', bundle: 'bundle.pem' } as const;
const DATA_LINK = '..data';

/** What an SVID directory holds, parsed and cross-checked. */
export interface SvidDirContents {
  svid: Svid;
  bundle: TrustBundle;
  spiffeId: SpiffeId;
}

function dirError(message: string, cause?: unknown): CitadelError {
  return new CitadelError('ERR_CITADEL_SVID_DIR', message, { cause });
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True when `dir` holds no SVID yet (absent, or none of the three files). */
export async function svidDirIsEmpty(dir: string): Promise<boolean> {
  for (const name of Object.values(SVID_FILES)) {
    try {
      await lstat(join(dir, name));
      return false;
    } catch {
      // absent: keep looking
    }
  }
  return true;
}

/** Atomically replace the SVID in `dir` (created 0700 if needed) with `svid` and `bundle`. */
export async function writeSvidDir(dir: string, svid: Svid, bundle: TrustBundle): Promise<void> {
  await mkdir(dir, { recursive: true, mode: FileMode.directory });
  const version = `..${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  const versionDir = join(dir, version);
  await mkdir(versionDir, { mode: FileMode.directory });
  await writeFileDurable(join(versionDir, SVID_FILES.key), privateKeyToPem(svid.key), {
    mode: FileMode.secret,
  });
  await writeFileDurable(join(versionDir, SVID_FILES.cert), svid.chain.map((c) => c.toPem()).join(''), {
    mode: FileMode.public,
  });
  await writeFileDurable(join(versionDir, SVID_FILES.bundle), bundle.toPem(), { mode: FileMode.public });
  // The swap: a new symlink renamed over ..data replaces all three files at once.
  const tmpLink = join(dir, `${DATA_LINK}.tmp-${process.pid}`);
  await rm(tmpLink, { force: true });
  await symlink(version, tmpLink);
  await rename(tmpLink, join(dir, DATA_LINK));
  for (const name of Object.values(SVID_FILES)) {
    const target = join(DATA_LINK, name);
    const path = join(dir, name);
    const current = await readlink(path).catch(() => undefined);
    if (current === target) continue;
    const tmp = join(dir, `.${name}.tmp-${process.pid}`);
    await rm(tmp, { force: true });
    await symlink(target, tmp);
    await rename(tmp, path);
  }
  await syncDir(dir);
  for (const entry of await readdir(dir)) {
    if (
      entry.startsWith('..') &&
      entry !== DATA_LINK &&
      entry !== version &&
      !entry.startsWith(`${DATA_LINK}.`)
    ) {
      await rm(join(dir, entry), { recursive: true, force: true });
    }
  }
}

async function readOnce(dir: string): Promise<SvidDirContents> {
  const read = async (name: string): Promise<string> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message;
      throw dirError(`${join(dir, name)}: ${reason}`, err);
    }
  };
  const keyPath = join(dir, SVID_FILES.key);
  const certPath = join(dir, SVID_FILES.cert);
  const bundlePath = join(dir, SVID_FILES.bundle);
  const [keyText, certText, bundleText] = await Promise.all([
    read(SVID_FILES.key),
    read(SVID_FILES.cert),
    read(SVID_FILES.bundle),
  ]);
  let chain: Certificate[];
  try {
    chain = Certificate.fromPem(certText, certPath);
  } catch (err) {
    throw dirError((err as Error).message, err);
  }
  const leaf = chain[0] as Certificate;
  let spiffeId: SpiffeId;
  try {
    spiffeId = leafSpiffeId(leaf);
  } catch (err) {
    throw dirError(`${certPath}: ${(err as Error).message}`, err);
  }
  let key: ReturnType<typeof privateKeyFromPem>;
  try {
    key = privateKeyFromPem(keyText, keyPath);
  } catch (err) {
    throw dirError((err as Error).message, err);
  }
  if (!keyMatchesSpki(key, leaf.decoded.spki))
    throw dirError(`${keyPath}: does not match the certificate in ${certPath}`);
  let bundle: TrustBundle;
  try {
    bundle = TrustBundle.fromPem(bundleText, spiffeId.trustDomain, bundlePath);
  } catch (err) {
    throw dirError((err as Error).message, err);
  }
  return { svid: { key, chain }, bundle, spiffeId };
}

/**
 * Read and cross-check an SVID directory (key matches leaf, leaf has one SPIFFE ID, bundle parses). Does not
 * validate expiry or chain: pass the result to `validateX509Svid` for that.
 * @throws CitadelError `ERR_CITADEL_SVID_DIR` naming the file.
 */
export async function readSvidDir(dir: string): Promise<SvidDirContents> {
  try {
    return await readOnce(dir);
  } catch (err) {
    // A read racing a swap can pair old and new files; the second read sees one consistent version.
    return readOnce(dir).catch(() => {
      throw err;
    });
  }
}
