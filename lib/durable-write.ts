/**
 * @module Durable, atomic file writes for everything Palisade keeps in its state directory. Foundation
 * layer. Write to a temporary file beside the target, fsync it, rename it over the target, fsync the
 * directory: a crash at any point leaves either the old file or the new one, never a torn mix.
 */

import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Explicit modes: nothing relies on the process umask. */
export const FileMode = {
  /** Private keys, tokens, signing secrets. */
  secret: 0o600,
  /** Certificates, bundles, journals: readable by others on the host. */
  public: 0o644,
  /** State directories. */
  directory: 0o700,
} as const;

export interface DurableWriteOptions {
  mode: number;
  /**
   * Test seam: called after the temporary file is written and synced, before the rename. Lets a test
   * kill the process at exactly the window that matters.
   */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

const TEMP_MARK = '.tmp-';

/** True for a leftover temporary file of an interrupted durable write. */
export function isDurableTempFile(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARK);
}

/** Atomically replace `path` with `data`, with the given mode. Creates the parent directory (0700) if needed. */
export async function writeFileDurable(
  path: string,
  data: string | Uint8Array,
  options: DurableWriteOptions,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: FileMode.directory });
  const temp = join(dir, `.${basename(path)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, options.mode);
    // open()'s mode is filtered by the umask; chmod makes the requested mode exact.
    await handle.chmod(options.mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await options.beforeRename?.(temp);
    await rename(temp, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/**
 * Append one record to an append-only file (journals) and fsync it. The line is written with a single
 * write(2) on an O_APPEND descriptor, so concurrent appenders never interleave within a line.
 */
export async function appendFileDurable(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: FileMode.directory });
  const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_APPEND, mode);
  let created = false;
  try {
    const stat = await handle.stat();
    created = stat.size === 0;
    if ((stat.mode & 0o777) !== mode) await handle.chmod(mode);
    await handle.write(typeof data === 'string' ? Buffer.from(data) : data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // A new file's directory entry must be durable too.
  if (created) await syncDirectory(dir);
}

/** Create a directory (and parents) with an explicit mode and make its entry durable. */
export async function ensureDirDurable(path: string, mode: number = FileMode.directory): Promise<void> {
  const first = await mkdir(path, { recursive: true, mode });
  if (first !== undefined) await syncDirectory(dirname(first));
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
