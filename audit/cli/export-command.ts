/**
 * @module `palisade audit export`: the security team's way out of the log — filtered, streamed, as
 * JSON lines, CSV or OCSF. CLI layer.
 */
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { type Command, Option } from 'commander';
import { optionParser, runAction } from '../../lib/cli.js';
import { FileMode } from '../../lib/durable-write.js';
import { ExitCode } from '../../lib/errors.js';
import { AuditError } from '../errors.js';
import { DECISIONS, EVENT_KINDS } from '../event.js';
import { EXPORT_FORMATS, type ExportFormat, type ExportSummary, exportLogs } from '../export/export-log.js';
import { findLogDirs } from '../segments.js';
import { createProgress } from './progress.js';
import { parseTimeFlag } from './time-option.js';

const READER_GONE = Symbol('reader gone');

interface ExportFlags {
  dir?: string;
  since?: number;
  until?: number;
  decision?: (typeof DECISIONS)[number];
  kind?: (typeof EVENT_KINDS)[number];
  principal?: string;
  service?: string;
  format: ExportFormat;
  out: string;
}

export function registerExportCommand(audit: Command): void {
  audit
    .command('export')
    .description('stream decision records out of audit logs, filtered, as jsonl, csv or ocsf')
    .option('--dir <dir>', 'a log directory, or a parent holding several (default: <state-dir>/audit)')
    .option(
      '--since <time>',
      'records at or after: RFC 3339, a UTC date, or a duration ago (24h)',
      optionParser(parseTimeFlag),
    )
    .option('--until <time>', 'records before: same forms as --since', optionParser(parseTimeFlag))
    .addOption(new Option('--decision <decision>', 'only this decision').choices(DECISIONS))
    .addOption(new Option('--kind <kind>', 'only this kind of record').choices(EVENT_KINDS))
    .option('--principal <spiffe-id>', 'only records whose caller (or certificate subject) is this SPIFFE ID')
    .option('--service <name>', 'only records addressed to this destination service')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('jsonl'))
    .option('--out <file>', 'output file, or - for stdout', '-')
    .addHelpText(
      'after',
      `
Records are streamed oldest first (several logs are merged by time) in constant memory. A progress bar
is drawn on a terminal; none when stderr is piped. The summary goes to stderr (with --json: as JSON on
stdout when --out is a file, on stderr when the records go to stdout). Export does not check integrity:
run "palisade audit verify" for that.

Examples:
  palisade audit export --dir .palisade/audit --since 24h --decision deny
  palisade audit export --dir .palisade/audit/web --format csv --out denials.csv --decision deny
  palisade audit export --dir /var/log/palisade --format ocsf --since 2026-11-24 --until 2026-11-25 | siem-ingest
  palisade audit export --principal spiffe://mesh.local/ns/shop/sa/cart --kind authz`,
    )
    .action(
      runAction<ExportFlags>(async (ctx, opts) => {
        const dirs = await findLogDirs(resolve(opts.dir ?? resolve(ctx.stateDir, 'audit')));
        if (opts.since !== undefined && opts.until !== undefined && opts.since >= opts.until) {
          throw new AuditError('ERR_AUDIT_OPTION', '--since must be before --until', {
            exitCode: ExitCode.usage,
          });
        }
        const toStdout = opts.out === '-';
        const target = toStdout ? null : resolve(opts.out);
        const partial = target === null ? null : `${target}.partial`;
        const out: Writable =
          partial === null ? process.stdout : createWriteStream(partial, { mode: FileMode.secret });
        const failed = new Promise<never>((_, reject) => {
          out.on('error', (err: NodeJS.ErrnoException) => {
            // The reader went away (`| head`): stop quietly, as Unix tools do.
            if (toStdout && err.code === 'EPIPE') reject(READER_GONE);
            else
              reject(
                new AuditError('ERR_AUDIT_EXPORT', `cannot write ${target ?? 'stdout'}: ${err.message}`, {
                  cause: err,
                }),
              );
          });
        });
        failed.catch(() => undefined);
        const progress = createProgress();
        let summary: ExportSummary;
        try {
          summary = await Promise.race([
            exportLogs({
              dirs,
              filter: {
                since: opts.since,
                until: opts.until,
                decision: opts.decision,
                kind: opts.kind,
                principal: opts.principal,
                service: opts.service,
              },
              format: opts.format,
              out,
              onProgress: (read, total, exported) =>
                progress.update(read, total, `${exported.toLocaleString('en-US')} records exported`),
            }),
            failed,
          ]);
          if (partial !== null && target !== null) {
            out.end();
            await Promise.race([new Promise((r) => out.once('finish', r)), failed]);
            await rename(partial, target);
          }
        } catch (err) {
          if (err === READER_GONE) return ExitCode.ok;
          if (partial !== null) {
            out.destroy();
            await unlink(partial).catch(() => undefined);
          }
          throw err;
        } finally {
          progress.done();
        }
        const result = { ...summary, out: target ?? '-', format: opts.format };
        const warnings = [
          ...(summary.malformed > 0
            ? [
                `${summary.malformed} line(s) were not well-formed records and were skipped: ${malformedList(summary)} (run "palisade audit verify")`,
              ]
            : []),
          ...summary.damaged.map((d) => `${d.file}: ${d.message}; records after it could not be read`),
          ...(summary.lostByWriter > 0
            ? [`the writer reported ${summary.lostByWriter} records lost (gap records)`]
            : []),
        ];
        const human = [
          `exported ${summary.exported} of ${summary.scanned} records from ${summary.logs} log(s), ${summary.files} file(s)${target === null ? '' : ` to ${target}`}`,
          ...warnings.map((w) => `warning: ${w}`),
        ].join('\n');
        if (ctx.json && !toStdout) ctx.print(human, result);
        else process.stderr.write(ctx.json ? `${JSON.stringify(result)}\n` : `${human}\n`);
        return ExitCode.ok;
      }),
    );
}

/** `a.jsonl:3, a.jsonl:9` — and how many more when only the first positions were kept. */
function malformedList(summary: ExportSummary): string {
  const more = summary.malformed - summary.malformedAt.length;
  return `${summary.malformedAt.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
