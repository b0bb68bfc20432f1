/**
 * @module The writer lock: one writer per log directory, or the chain forks. Write layer. The lock file
 * names the holder's pid; a lock left by a dead process is taken over (the crash itself is recorded by
 * recovery). Readers use it to tell a live log (unsigned tail expected) from a truncated one.
 */
import { readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import { AuditError } from '../errors.js';

export const LOCK_FILE = '.writer.lock';

interface LockContent {
  pid: number;
  host: string;
  identity: string;
  started: string;
}

/** The live writer holding `dir`, or null when none (no lock, or its process is gone). */
export async function liveWriter(dir: string): Promise<LockContent | null> {
  let content: LockContent;
  try {
    content = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as LockContent;
  } catch {
    return null;
  }
  if (content.host !== hostname() || typeof content.pid !== 'number') return null;
  try {
    process.kill(content.pid, 0);
    return content;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? content : null;
  }
}

/** Take the lock for this process; throws ERR_AUDIT_LOCKED when a live process holds it. */
export async function acquireWriterLock(
  dir: string,
  identity: string,
  now: number,
): Promise<() => Promise<void>> {
  const holder = await liveWriter(dir);
  if (holder !== null && holder.pid !== process.pid) {
    throw new AuditError(
      'ERR_AUDIT_LOCKED',
      `${dir}: audit log is already being written by pid ${holder.pid} (${holder.identity}); each writer needs its own directory`,
    );
  }
  if (holder !== null) {
    throw new AuditError('ERR_AUDIT_LOCKED', `${dir}: audit log is already open in this process`);
  }
  const content: LockContent = {
    pid: process.pid,
    host: hostname(),
    identity,
    started: new Date(now).toISOString(),
  };
  await writeFileDurable(join(dir, LOCK_FILE), `${JSON.stringify(content)}\n`, { mode: FileMode.public });
  return async () => {
    await unlink(join(dir, LOCK_FILE)).catch(() => undefined);
  };
}
