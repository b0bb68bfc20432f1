/**
 * @module Reads a policy bundle from disk: an OPA-format `.tar.gz` (`/policy.wasm`, `/data.json`,
 * `/.manifest`), a directory holding those files, or a bare `policy.wasm`. Authz layer; the bytes are
 * handed to the Wasm loader unchanged, so modules built by `opa build -t wasm` load the same way.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SidecarError } from '../errors.js';

/** The files of a bundle that matter to the sidecar. */
export interface BundleFiles {
  readonly wasm: Uint8Array;
  readonly data: unknown;
  /** Manifest revision when present, else the SHA-256 of the Wasm and data. */
  readonly revision: string;
  /** Every file of the bundle by path (`/.signatures.json`, …), for signature verification. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const manifestSchema = z.looseObject({ revision: z.string().optional() });

/** Load the bundle at `path`. Throws ERR_SIDECAR_POLICY_LOAD naming the path and what is wrong. */
export async function readBundle(path: string): Promise<BundleFiles> {
  let files: Map<string, Uint8Array>;
  try {
    const info = await stat(path);
    if (info.isDirectory()) files = await readDirectory(path);
    else if (path.endsWith('.wasm')) files = new Map([['/policy.wasm', await readFile(path)]]);
    else files = await readTarGz(path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SIDECAR_POLICY_LOAD') throw err;
    throw new SidecarError(
      'ERR_SIDECAR_POLICY_LOAD',
      `${path}: cannot read policy bundle: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const wasm = files.get('/policy.wasm');
  if (wasm === undefined)
    throw new SidecarError('ERR_SIDECAR_POLICY_LOAD', `${path}: bundle has no /policy.wasm`);
  const data = parseJson(files.get('/data.json'), `${path}: /data.json`) ?? {};
  const manifest = manifestSchema.safeParse(parseJson(files.get('/.manifest'), `${path}: /.manifest`) ?? {});
  if (!manifest.success)
    throw new SidecarError(
      'ERR_SIDECAR_POLICY_LOAD',
      `${path}: /.manifest: ${z.prettifyError(manifest.error)}`,
    );
  const revision =
    manifest.data.revision !== undefined && manifest.data.revision !== ''
      ? manifest.data.revision
      : `sha256:${createHash('sha256')
          .update(wasm)
          .update(files.get('/data.json') ?? '')
          .digest('hex')
          .slice(0, 16)}`;
  return { wasm, data, revision, files };
}

/** A cheap change detector for polling: size and mtime of the path (and of the files in a directory). */
export async function bundleStamp(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isDirectory()) return `${info.size}:${info.mtimeMs}`;
  const parts: string[] = [];
  for (const name of (await readdir(path)).sort()) {
    const s = await stat(join(path, name));
    parts.push(`${name}:${s.size}:${s.mtimeMs}`);
  }
  return parts.join('|');
}

async function readDirectory(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const name of ['policy.wasm', 'data.json', '.manifest', '.signatures.json']) {
    try {
      out.set(`/${name}`, await readFile(join(dir, name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}

async function readTarGz(file: string): Promise<Map<string, Uint8Array>> {
  // tar is loaded only for bundles shipped as archives: most sidecars read a bundle directory.
  const { Parser } = await import('tar');
  return new Promise((resolve, reject) => {
    const out = new Map<string, Uint8Array>();
    const parser = new Parser({ strict: true });
    parser.on('entry', (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        const name = `/${String(entry.path).replace(/^\.?\/+/, '')}`;
        if (entry.type === 'File') out.set(name, Buffer.concat(chunks));
      });
    });
    parser.on('error', reject);
    parser.on('close', () => resolve(out));
    readFile(file).then((buf) => parser.end(buf), reject);
  });
}

function parseJson(bytes: Uint8Array | undefined, where: string): unknown {
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new SidecarError('ERR_SIDECAR_POLICY_LOAD', `${where}: not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
