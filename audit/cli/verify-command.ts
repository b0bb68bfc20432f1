/**
 * @module `palisade audit verify`: check every hash link and checkpoint signature of one log or of
 * every log under a directory; exit 1 naming the first break. CLI layer.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { PUBLIC_KEYS_FILE, readVerificationKeys, type VerificationKeys } from '../audit-key.js';
import { AuditError } from '../errors.js';
import { findLogDirs } from '../segments.js';
import type { VerifyResult } from '../verify/problems.js';
import { verifyLog } from '../verify/verify-log.js';
import { createProgress } from './progress.js';

interface VerifyFlags {
  dir?: string;
  key?: string;
}

export function registerVerifyCommand(audit: Command): void {
  audit
    .command('verify')
    .description('check every hash link and checkpoint signature of audit logs')
    .option('--dir <dir>', 'a log directory, or a parent holding several (default: <state-dir>/audit)')
    .option(
      '--key <file>',
      `trusted public key: JWK, JWK Set or PEM (default: ${PUBLIC_KEYS_FILE} beside each log)`,
    )
    .addHelpText(
      'after',
      `
Prints OK with counts per log, or the first break: its kind (edited, missing, reordered, inserted,
bad_signature, unknown_key, truncated_tail, garbage_line, half_written_line, missing_file, bad_gzip,
bad_header, unreadable), file, line and sequence number. Exit 0 when every log verifies, 1 otherwise.
The key beside a log comes with the log; for evidence, pass a key obtained separately with --key.

Examples:
  palisade audit verify --dir .palisade/audit
  palisade audit verify --dir /evidence/web --key web-audit-key.jwks.json --json`,
    )
    .action(
      runAction<VerifyFlags>(async (ctx, opts) => {
        const dirs = await findLogDirs(resolve(opts.dir ?? resolve(ctx.stateDir, 'audit')));
        const trusted = opts.key === undefined ? null : await readVerificationKeys(resolve(opts.key));
        const progress = createProgress();
        const results: VerifyResult[] = [];
        try {
          for (const dir of dirs) {
            const keys = trusted ?? (await keysBeside(dir));
            results.push(
              await verifyLog(dir, keys, (n) =>
                progress.update(0, 0, `${dir}: ${n.toLocaleString('en-US')} records verified`),
              ),
            );
          }
        } finally {
          progress.done();
        }
        const ok = results.every((r) => r.ok);
        ctx.print(results.map(describe).join('\n'), { ok, logs: results });
        return ok ? ExitCode.ok : ExitCode.failed;
      }),
    );
}

async function keysBeside(dir: string): Promise<VerificationKeys> {
  const file = join(dir, PUBLIC_KEYS_FILE);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    throw new AuditError(
      'ERR_AUDIT_KEY',
      `${dir}: no ${PUBLIC_KEYS_FILE} beside the log; pass the writer's public key with --key`,
    );
  }
  return readVerificationKeys(file);
}

function describe(r: VerifyResult): string {
  const counts = `${r.files} files, ${r.records} records (${r.decisions} decisions), ${r.checkpoints} checkpoints`;
  if (r.problem !== null) {
    const p = r.problem;
    const where = `${p.file}${p.line === null ? '' : ` line ${p.line}`}${p.seq === null ? '' : `, seq ${p.seq}`}`;
    return `FAIL ${r.dir}: ${p.kind} at ${where}: ${p.message}\n     (checked before the break: ${counts})`;
  }
  const tail = r.closed
    ? 'closed cleanly'
    : `writer running; ${r.unsignedTail} records after the last checkpoint not yet signed`;
  const extra = [
    ...(r.gaps > 0 ? [`${r.gaps} records reported lost by the writer`] : []),
    ...(r.removedFiles.length > 0 ? [`${r.removedFiles.length} files removed by retention`] : []),
  ];
  return `OK   ${r.dir}: ${counts}; signed through seq ${r.signedThrough}; ${tail}${extra.length > 0 ? `; ${extra.join('; ')}` : ''}`;
}
