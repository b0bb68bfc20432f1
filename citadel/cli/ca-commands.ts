/**
 * @module `palisade ca init|status|rotate-intermediate|rotate-root|retire-root`: the operators' rotation
 * tool. CLI layer over citadel/rotation.ts and citadel/ca-status.ts.
 */
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { formatDuration } from '../../lib/duration.js';
import { ExitCode } from '../../lib/errors.js';
import { caStatus } from '../ca-status.js';
import { DEFAULT_EXPIRY_MARGIN_MS } from '../config.js';
import type { KeyType } from '../keys.js';
import { initCa, retireRoot, rotateIntermediate, rotateRoot } from '../rotation.js';
import { durationFlag, expiryText, keyTypeFlag, nonNegativeDurationFlag, table } from './render.js';

export function registerCaCommands(program: Command): void {
  const ca = program.command('ca').description('manage the certificate authority (init, status, rotation)');

  ca.command('init')
    .description('create the root and intermediate CA in the state directory (refuses to overwrite one)')
    .requiredOption('--trust-domain <td>', 'trust domain, e.g. example.org')
    .option('--key-type <type>', 'ec-p256 (default), rsa-2048 or rsa-3072', keyTypeFlag)
    .option('--svid-ttl <duration>', 'default workload SVID lifetime (default 1h)', durationFlag)
    .option(
      '--svid-max-ttl <duration>',
      'maximum workload SVID lifetime; longer requests are clamped (default 24h)',
      durationFlag,
    )
    .option('--root-ttl <duration>', 'root CA lifetime (default 3650d)', durationFlag)
    .option('--intermediate-ttl <duration>', 'intermediate CA lifetime (default 365d)', durationFlag)
    .addHelpText(
      'after',
      '\nExamples:\n  palisade ca init --trust-domain example.org\n  palisade ca init --trust-domain example.org --key-type rsa-3072 --svid-max-ttl 12h',
    )
    .action(
      runAction(
        async (
          ctx,
          opts: {
            trustDomain: string;
            keyType?: KeyType;
            svidTtl?: number;
            svidMaxTtl?: number;
            rootTtl?: number;
            intermediateTtl?: number;
          },
        ) => {
          const policy = {
            ...(opts.svidTtl === undefined ? {} : { svidDefaultTtlMs: opts.svidTtl }),
            ...(opts.svidMaxTtl === undefined ? {} : { svidMaxTtlMs: opts.svidMaxTtl }),
            ...(opts.rootTtl === undefined ? {} : { rootTtlMs: opts.rootTtl }),
            ...(opts.intermediateTtl === undefined ? {} : { intermediateTtlMs: opts.intermediateTtl }),
          };
          const r = await initCa({
            stateDir: ctx.stateDir,
            trustDomain: opts.trustDomain,
            ...(opts.keyType ? { keyType: opts.keyType } : {}),
            policy,
            logger: ctx.logger,
          });
          const now = Date.now();
          ctx.print(
            [
              `created CA for trust domain ${r.trustDomain} in ${r.caDir}`,
              table([
                ['root', r.root.serial, `expires ${expiryText(r.root.notAfter, now)}`],
                [
                  'intermediate',
                  r.intermediate.serial,
                  `expires ${expiryText(r.intermediate.notAfter, now)}`,
                ],
              ]),
              `bundle: ${r.caDir}/bundle.pem (sequence ${r.bundleSequence})`,
            ].join('\n'),
            {
              trust_domain: r.trustDomain,
              ca_dir: r.caDir,
              root: { serial: r.root.serial, not_after: r.root.notAfter.toISOString() },
              intermediate: {
                serial: r.intermediate.serial,
                not_after: r.intermediate.notAfter.toISOString(),
              },
              bundle_sequence: r.bundleSequence,
            },
          );
          return ExitCode.ok;
        },
      ),
    );

  ca.command('status')
    .description('show roots, intermediates, expiry, bundle sequence and issuance counts')
    .option('--check', 'exit 1 when any CA certificate is expired or inside the margin')
    .option(
      '--margin <duration>',
      'warn when a CA certificate has less than this left (default 60d)',
      durationFlag,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  palisade ca status\n  palisade ca status --check --margin 90d   # for monitoring: exit 1 on warnings',
    )
    .action(
      runAction(async (ctx, opts: { check?: boolean; margin?: number }) => {
        const s = await caStatus({
          stateDir: ctx.stateDir,
          marginMs: opts.margin ?? DEFAULT_EXPIRY_MARGIN_MS,
        });
        const now = Date.now();
        const human = [
          `trust domain ${s.trustDomain}  bundle sequence ${s.bundleSequence}  issued ${s.issued} SVIDs (${s.live} live)`,
          `SVID TTL default ${formatDuration(s.policy.svidDefaultTtlMs)}, max ${formatDuration(s.policy.svidMaxTtlMs)}`,
          'roots:',
          table(
            s.roots.map((r) => [
              `  ${r.id}`,
              r.status + (r.status === 'staged' ? ` (activates ${r.activateAt})` : ''),
              `expires ${expiryText(r.notAfter, now)}`,
              `${r.liveSvids} live SVIDs`,
              r.retireAfter ? `retire after ${r.retireAfter}` : '',
            ]),
          ),
          'intermediates:',
          table(
            s.intermediates.map((i) => [
              `  ${i.id}`,
              i.active ? 'active' : 'standby',
              `root ${i.rootId}`,
              `expires ${expiryText(i.notAfter, now)}`,
            ]),
          ),
          ...(s.warnings.length > 0
            ? ['warnings:', ...s.warnings.map((w) => `  WARNING: ${w}`)]
            : ['no expiry warnings']),
        ].join('\n');
        ctx.print(human, s);
        return opts.check === true && s.warnings.length > 0 ? ExitCode.failed : ExitCode.ok;
      }),
    );

  ca.command('rotate-intermediate')
    .description('replace the active intermediate; existing SVIDs stay valid until they expire')
    .addHelpText('after', '\nExample:\n  palisade ca rotate-intermediate')
    .action(
      runAction(async (ctx) => {
        const r = await rotateIntermediate({ stateDir: ctx.stateDir, logger: ctx.logger });
        ctx.print(
          `intermediate rotated: ${r.previous.serial} -> ${r.intermediate.serial} (expires ${expiryText(r.intermediate.notAfter, Date.now())})`,
          {
            previous_serial: r.previous.serial,
            serial: r.intermediate.serial,
            not_after: r.intermediate.notAfter.toISOString(),
          },
        );
        return ExitCode.ok;
      }),
    );

  ca.command('rotate-root')
    .description('add a new root to the bundle (both trusted), then issue under it; retire the old one later')
    .option(
      '--overlap <duration>',
      'how long the old root stays trusted after the new one activates (default 24h)',
      durationFlag,
    )
    .option(
      '--activate-after <duration>',
      'delay before issuance switches to the new root, for bundle propagation (default 0s)',
      nonNegativeDurationFlag,
    )
    .addHelpText(
      'after',
      '\nRunbook: rotate-root -> every workload renews (within one SVID TTL) -> ca status shows 0 live SVIDs on the\nold root and the overlap passed -> ca retire-root.\n\nExamples:\n  palisade ca rotate-root --overlap 48h\n  palisade ca rotate-root --activate-after 10m --overlap 24h',
    )
    .action(
      runAction(async (ctx, opts: { overlap?: number; activateAfter?: number }) => {
        const r = await rotateRoot({
          stateDir: ctx.stateDir,
          logger: ctx.logger,
          ...(opts.overlap === undefined ? {} : { overlapMs: opts.overlap }),
          ...(opts.activateAfter === undefined ? {} : { activateAfterMs: opts.activateAfter }),
        });
        ctx.print(
          [
            `new root ${r.root.serial} added to the bundle (sequence ${r.bundleSequence}); both roots are trusted`,
            `issuance switches to the new root at ${r.activateAt}`,
            `the old root may be retired after ${r.retireAfter} once no live SVID chains to it: palisade ca retire-root`,
          ].join('\n'),
          {
            root_serial: r.root.serial,
            intermediate_serial: r.intermediate.serial,
            activate_at: r.activateAt,
            retire_after: r.retireAfter,
            bundle_sequence: r.bundleSequence,
          },
        );
        return ExitCode.ok;
      }),
    );

  ca.command('retire-root')
    .description('remove the superseded root from the bundle (refuses while anything still depends on it)')
    .option('--force', 'retire even with live SVIDs or before the overlap ends (those workloads lose trust)')
    .addHelpText(
      'after',
      '\nExamples:\n  palisade ca retire-root\n  palisade ca retire-root --force   # emergency: old root compromised',
    )
    .action(
      runAction(async (ctx, opts: { force?: boolean }) => {
        const r = await retireRoot({
          stateDir: ctx.stateDir,
          logger: ctx.logger,
          force: opts.force === true,
        });
        ctx.print(
          `root ${r.retired.serial} retired; bundle sequence ${r.bundleSequence}${r.liveSvids > 0 ? ` (forced: ${r.liveSvids} live SVIDs lost trust)` : ''}`,
          {
            retired_serial: r.retired.serial,
            bundle_sequence: r.bundleSequence,
            live_svids_cut_off: r.liveSvids,
          },
        );
        return ExitCode.ok;
      }),
    );
}
