/**
 * @module OPA-format bundles: build (gzipped tar with /policy.wasm, /data.json, /.manifest and, with a key,
 * /.signatures.json), read, and verify. Wasm layer; the CLI and the sidecar's loader call these.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Parser as TarParser, create as tarCreate } from 'tar';
import { PolicyError } from '../errors.js';
import { canonicalJson, type Manifest, manifestSchema, signaturesFileSchema } from './bundle-format.js';
import { type SigningKey, signFiles, verifyFiles } from './bundle-sign.js';

export interface BundleInput {
  readonly wasm: Uint8Array;
  /** Entrypoints in module order (`x/y`). */
  readonly entrypoints: readonly string[];
  readonly data?: unknown;
  readonly revision?: string;
  readonly roots?: readonly string[];
  readonly signingKey?: SigningKey;
  /** Rego version recorded in the manifest (0 for `--v0-compatible`, else 1). */
  readonly regoVersion?: 0 | 1;
}

/** A bundle read into memory: every file by path (leading slash), the parsed manifest and data. */
export interface Bundle {
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly manifest: Manifest;
  readonly wasm: Uint8Array | undefined;
  readonly data: unknown;
  readonly signatures: readonly string[] | undefined;
}

const MAX_FILE_BYTES = 256 * 1024 * 1024;
const encoder = new TextEncoder();

function bundleError(message: string, cause?: unknown): PolicyError {
  return new PolicyError('ERR_POLICY_BUNDLE_INVALID', message, { cause });
}

/** The bundle's files, in the order they go into the tar. */
export async function bundleFiles(input: BundleInput): Promise<Map<string, Uint8Array>> {
  const manifest: Manifest = {
    revision: input.revision ?? '',
    roots: [...(input.roots ?? [''])],
    wasm: input.entrypoints.map((entrypoint) => ({ entrypoint, module: '/policy.wasm' })),
    rego_version: input.regoVersion ?? 1,
  };
  const files = new Map<string, Uint8Array>([
    ['/data.json', encoder.encode(canonicalJson(input.data ?? {}))],
    ['/policy.wasm', input.wasm],
    ['/.manifest', encoder.encode(canonicalJson(manifest))],
  ]);
  if (input.signingKey)
    files.set('/.signatures.json', encoder.encode(await signFiles(files, input.signingKey)));
  return files;
}

/** Pack files into a gzipped tar (fixed mtimes and ownership, so the same inputs give the same bytes). */
export async function packBundle(files: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-bundle-'));
  try {
    const names: string[] = [];
    for (const [path, bytes] of files) {
      const name = path.replace(/^\/+/, '');
      await writeFile(join(dir, name), bytes);
      names.push(name);
    }
    const chunks: Buffer[] = [];
    const stream = tarCreate(
      { gzip: true, cwd: dir, portable: true, mtime: new Date(0), prefix: '/' },
      names,
    );
    for await (const c of stream as unknown as AsyncIterable<Buffer>) chunks.push(c);
    return new Uint8Array(Buffer.concat(chunks));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Build a bundle archive. */
export async function buildBundle(input: BundleInput): Promise<Uint8Array> {
  return packBundle(await bundleFiles(input));
}

/** Read a gzipped tar bundle (OPA- or Palisade-built) into memory; every file must be a regular file. */
export async function readBundle(archive: Uint8Array, source = 'bundle'): Promise<Bundle> {
  const files = new Map<string, Uint8Array>();
  await new Promise<void>((resolve, reject) => {
    const parser = new TarParser({ strict: true });
    parser.on('entry', (entry) => {
      const path = `/${entry.path.replace(/^(\.?\/)+/, '')}`;
      if (entry.type !== 'File' && entry.type !== 'OldFile') {
        entry.resume();
        if (entry.type !== 'Directory')
          reject(bundleError(`${source}: ${path} is not a regular file (${entry.type})`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      entry.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_FILE_BYTES)
          reject(bundleError(`${source}: ${path} is larger than ${MAX_FILE_BYTES} bytes`));
        chunks.push(c);
      });
      entry.on('end', () => files.set(path, new Uint8Array(Buffer.concat(chunks))));
    });
    parser.on('error', (err: Error) =>
      reject(bundleError(`${source}: not a gzipped tar bundle: ${err.message}`, err)),
    );
    parser.on('abort', (err: Error) =>
      reject(bundleError(`${source}: not a gzipped tar bundle: ${err.message}`, err)),
    );
    parser.on('end', () => resolve());
    Readable.from([Buffer.from(archive)]).pipe(parser as unknown as NodeJS.WritableStream);
  });
  const json = (path: string): unknown => {
    const bytes = files.get(path);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      throw bundleError(`${source}: ${path} is not valid JSON: ${(err as Error).message}`, err);
    }
  };
  const m = manifestSchema.safeParse(json('/.manifest') ?? {});
  if (!m.success)
    throw bundleError(
      `${source}: /.manifest is invalid: ${m.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const sigDoc = json('/.signatures.json');
  let signatures: string[] | undefined;
  if (sigDoc !== undefined) {
    const s = signaturesFileSchema.safeParse(sigDoc);
    if (!s.success) throw bundleError(`${source}: /.signatures.json has no "signatures" list`);
    signatures = s.data.signatures;
  }
  const wasmPath = m.data.wasm?.[0]?.module ?? '/policy.wasm';
  return { files, manifest: m.data, wasm: files.get(wasmPath), data: json('/data.json') ?? {}, signatures };
}

/**
 * Verify a bundle with a key: it must be signed, and the signature must cover every file with matching
 * hashes. Throws ERR_POLICY_BUNDLE_SIGNATURE otherwise.
 */
export async function verifyBundle(
  bundle: Bundle,
  key: SigningKey,
): Promise<{ files: string[]; keyid?: string }> {
  if (!bundle.signatures) {
    throw new PolicyError(
      'ERR_POLICY_BUNDLE_SIGNATURE',
      'bundle is not signed (no /.signatures.json) but a key is configured',
    );
  }
  const payload = await verifyFiles(bundle.files, bundle.signatures, key);
  return { files: payload.files.map((f) => f.name), keyid: payload.keyid };
}

/** Read `path` as a bundle. */
export async function readBundleFile(path: string): Promise<Bundle> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new PolicyError(
      'ERR_POLICY_BUNDLE_INVALID',
      `cannot read bundle ${path}: ${(err as Error).message}`,
      {
        cause: err,
        exitCode: 2,
      },
    );
  }
  return readBundle(bytes, path);
}
