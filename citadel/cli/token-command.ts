/**
 * @module `palisade token create`: mint a single-use join token for one SPIFFE ID from the local CA.
 */
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { CertificateAuthority } from '../authority.js';
import type { SpiffeId } from '../spiffe-id.js';
import { durationFlag, spiffeIdFlag } from './render.js';

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description("join tokens for a workload's first SVID");
  token
    .command('create')
    .description('print a single-use join token (a short-lived ES256 JWT) bound to one SPIFFE ID')
    .requiredOption('--spiffe-id <id>', 'the only SPIFFE ID the token can obtain', spiffeIdFlag)
    .option('--ttl <duration>', 'token lifetime (default 10m; clamped to the CA maximum, 24h)', durationFlag)
    .addHelpText(
      'after',
      '\nThe token alone is printed on stdout, so it can be captured:\n  TOKEN=$(palisade token create --spiffe-id spiffe://example.org/ns/shop/sa/cart --ttl 5m)',
    )
    .action(
      runAction(async (ctx, opts: { spiffeId: SpiffeId; ttl?: number }) => {
        const ca = await CertificateAuthority.open(ctx.stateDir, { logger: ctx.logger });
        const t = await ca.createJoinToken(opts.spiffeId, opts.ttl);
        ctx.print(t.token, {
          token: t.token,
          jti: t.jti,
          spiffe_id: t.spiffeId.toString(),
          expires_at: t.expiresAt.toISOString(),
        });
        return ExitCode.ok;
      }),
    );
}
