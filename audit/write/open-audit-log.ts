/**
 * @module `openAuditLog`: prepare the directory, key and lock, find where the previous run stopped, and
 * start the writer. Write layer.
 */
import { join, resolve } from 'node:path';
import { ensureDirDurable } from '../../lib/durable-write.js';
import { createLogger } from '../../lib/logger.js';
import { type AuditSigningKey, exportPublicKey, loadOrCreateSigningKey } from '../audit-key.js';
import type { AuditConfig } from '../config.js';
import { AuditError } from '../errors.js';
import { listSegments } from '../segments.js';
import { FileAuditLog } from './audit-log.js';
import type { AuditLog, OpenAuditLogOptions } from './audit-log-api.js';
import { removeCompressionLeftovers } from './compress.js';
import { readLogTail, removeCompressedDuplicates } from './recovery.js';
import { acquireWriterLock } from './writer-lock.js';

/**
 * Open (or continue) the audit log in `config.directory`: takes the directory's writer lock, loads or
 * creates the signing key, exports its public half beside the log, and starts a new file whose header
 * links to where the previous run stopped (noting a crash if it did not close cleanly).
 *
 * @example
 * const log = await openAuditLog(config.audit, { stateDir, identity: 'spiffe://mesh.local/ns/default/sa/web' });
 * if (!log.healthy()) return respond503(log.status().reason);
 * log.record({ kind: 'authz', decision: 'allow', source, destination, request, status: 200 });
 * // on SIGTERM, from the owner's own handler:
 * await log.close();
 */
export async function openAuditLog(config: AuditConfig, options: OpenAuditLogOptions): Promise<AuditLog> {
  const clock = options.clock ?? { now: () => Date.now() };
  const dir = resolve(options.stateDir, config.directory);
  const logger = options.logger ?? createLogger({ level: 'warn', name: 'audit' });
  let key: AuditSigningKey;
  let release: () => Promise<void>;
  try {
    await ensureDirDurable(dir);
    key = await loadOrCreateSigningKey(
      options.keyFile ?? join(options.stateDir, 'keys', 'audit-signing.jwk'),
    );
    await exportPublicKey(dir, key);
    release = await acquireWriterLock(dir, options.identity, clock.now());
  } catch (err) {
    if (err instanceof AuditError) throw err;
    throw new AuditError('ERR_AUDIT_OPEN', `${dir}: cannot open the audit log: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let log: FileAuditLog;
  try {
    await removeCompressionLeftovers(dir);
    const segments = await listSegments(dir);
    await removeCompressedDuplicates(segments);
    const last = segments.at(-1);
    const tail = last === undefined ? null : await readLogTail(last);
    log = new FileAuditLog({
      config,
      dir,
      identity: options.identity,
      key,
      clock,
      logger,
      release,
      tail,
      beforeAppend: options.beforeAppend,
    });
    await log.flush();
    // Files a previous run left uncompressed (crash, or the file it was writing) are compressed in the
    // background; readers handle plain and gzip alike meanwhile.
    if (config.rotation.compress)
      log.compressInBackground(segments.filter((s) => !s.gzip).map((s) => s.path));
  } catch (err) {
    await release();
    if (err instanceof AuditError) throw err;
    throw new AuditError('ERR_AUDIT_OPEN', `${dir}: cannot open the audit log: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (options.timers !== false) log.startTimer();
  return log;
}
