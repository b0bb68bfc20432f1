/**
 * @module `palisade audit tail`: show the newest records of a log and follow new ones. CLI layer.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { optionParser, runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { AuditError } from '../errors.js';
import { followLog } from '../read/follow.js';
import { findLogDirs } from '../segments.js';
import { renderLine } from './render.js';

interface TailFlags {
  dir?: string;
  lines: number;
  follow: boolean;
}

function parseCount(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`expected a whole number >= 0, found "${raw}"`);
  return n;
}

export function registerTailCommand(audit: Command): void {
  audit
    .command('tail')
    .description('show the newest records of an audit log and follow new ones')
    .option('--dir <dir>', 'the log directory (default: <state-dir>/audit)')
    .option('-n, --lines <n>', 'records to show before following', optionParser(parseCount), 10)
    .option('--no-follow', 'print the last records and exit')
    .addHelpText(
      'after',
      `
On a terminal each record is one readable line; piped (or with --json) each is its JSON line as written.
Decision records and gap records (records lost) are shown. Stop with Ctrl-C.

Examples:
  palisade audit tail --dir .palisade/audit/web
  palisade audit tail --dir .palisade/audit/web --json | jq 'select(.decision == "deny")'
  palisade audit tail --dir .palisade/audit/web -n 50 --no-follow`,
    )
    .action(
      runAction<TailFlags>(async (ctx, opts) => {
        const dirs = await findLogDirs(resolve(opts.dir ?? resolve(ctx.stateDir, 'audit')));
        if (dirs.length > 1) {
          throw new AuditError(
            'ERR_AUDIT_OPTION',
            `${opts.dir}: holds ${dirs.length} logs; tail one of them: ${dirs.join(', ')}`,
            { exitCode: ExitCode.usage },
          );
        }
        const human = !ctx.json && process.stdout.isTTY === true;
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await followLog(dirs[0] as string, {
            last: opts.lines,
            follow: opts.follow,
            signal: abort.signal,
            onLine: (line) => process.stdout.write(`${human ? renderLine(line) : line}\n`),
          });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        return ExitCode.ok;
      }),
    );
}
