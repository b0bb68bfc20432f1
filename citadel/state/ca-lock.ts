/**
 * @module The exclusive lock on a CA state directory (`<state-dir>/ca.lock`), held while a command changes
 * the CA (init, rotations, retirement, local issuance), so two operators — or an operator and a starting
 * `citadel serve` — cannot interleave their writes. State layer.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { FileMode } from '../../lib/durable-write.js';
import { CitadelError } from '../errors.js';

/** What a lock file says about its holder. */
export const lockHolderSchema = z.strictObject({
  pid: z.number().int().positive(),
  host: z.string(),
  command: z.string(),
  since: z.string(),
});
export type LockHolder = z.infer<typeof lockHolderSchema>;

export function caLockPath(stateDir: string): string {
  return join(stateDir, 'ca.lock');
}

/** True when process `pid` exists on this host (EPERM: it exists but belongs to another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return lockHolderSchema.parse(JSON.parse(text));
  } catch {
    // A holder killed between creating and writing the file leaves it empty or torn: treat as stale.
    return { pid: 0, host: hostname(), command: '(unreadable lock file)', since: '' };
  }
}

/**
 * A lock left by a process that no longer runs on this host. Holders on another host (a state directory on
 * shared storage) are never judged stale: their liveness cannot be checked from here.
 */
function isStale(holder: LockHolder): boolean {
  return holder.host === hostname() && (holder.pid === 0 || !processAlive(holder.pid));
}

/**
 * Move a stale lock aside, making sure it is still the stale one (another process may have broken it and
 * taken the lock meanwhile; then that lock is put back, and this caller sees it as held on its next try).
 */
async function breakStaleLock(path: string, stale: LockHolder): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readHolder(aside);
  if (moved !== undefined && JSON.stringify(moved) !== JSON.stringify(stale) && !isStale(moved)) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

function describe(holder: LockHolder): string {
  const since = holder.since === '' ? '' : ` since ${holder.since}`;
  return `pid ${holder.pid} on ${holder.host} (${holder.command})${since}`;
}

/** A held lock; `release` removes the lock file if it is still ours. */
export interface CaLock {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * Take the exclusive lock on `stateDir`'s CA (the directory must exist), or fail at once naming the holder;
 * a lock whose holder process is gone (same host) is broken and taken.
 *
 * @throws CitadelError `ERR_CITADEL_STATE_LOCKED` naming the holder's pid, host, command and start time;
 *   `ERR_CITADEL_STATE_MISSING` when `stateDir` does not exist.
 */
export async function acquireCaLock(stateDir: string, command: string): Promise<CaLock> {
  const path = caLockPath(stateDir);
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  const body = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', FileMode.public);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        path,
        release: async () => {
          const holder = await readHolder(path);
          if (holder !== undefined && JSON.stringify(holder) === JSON.stringify(me)) {
            await unlink(path).catch(() => undefined);
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CitadelError(
          'ERR_CITADEL_STATE_MISSING',
          `no state directory ${stateDir} (create a CA with: palisade ca init --trust-domain <td>)`,
          { cause: err },
        );
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(path);
    if (holder === undefined) continue; // released meanwhile
    if (!isStale(holder)) {
      throw new CitadelError(
        'ERR_CITADEL_STATE_LOCKED',
        `${path}: the CA is locked by ${describe(holder)}; wait for it to finish (remove the file only if that process is gone)`,
      );
    }
    await breakStaleLock(path, holder);
  }
  throw new CitadelError(
    'ERR_CITADEL_STATE_LOCKED',
    `${path}: could not take the CA lock (other processes keep taking it)`,
  );
}

/** Run `fn` holding the CA lock of `stateDir`; the lock is released however `fn` ends. */
export async function withCaLock<T>(stateDir: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireCaLock(stateDir, command);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
