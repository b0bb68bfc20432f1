/**
 * @module `palisade cert issue|inspect|rotate`: local issuance for bootstrapping, certificate inspection with
 * verification against a bundle, and workload SVID renewal (once, or `--watch`). CLI layer.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { type CommandContext, runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { TrustBundle } from '../bundle.js';
import { Certificate } from '../certificate.js';
import { CitadelError } from '../errors.js';
import type { KeyType } from '../keys.js';
import {
  type RotateDirResult,
  requestSvid,
  rotateSvidDir,
  type SvidSource,
  watchSvidDir,
} from '../renewal.js';
import { parseTrustDomain, type SpiffeId, tryParseSpiffeId } from '../spiffe-id.js';
import { caPaths } from '../state/ca-store.js';
import { writeSvidDir } from '../svid-dir.js';
import { leafSpiffeId, validateX509Svid } from '../validator.js';
import { certFacts, durationFlag, expiryText, keyTypeFlag, spiffeIdFlag } from './render.js';

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Trust domain a PEM bundle is for: from its roots' trust-domain URI SAN, else `fallback`. */
function bundleFromText(text: string, source: string, fallback: string | undefined): TrustBundle {
  const roots = Certificate.fromPem(text, source);
  const td =
    roots.map((r) => tryParseSpiffeId(r.san.uris[0] ?? '')?.trustDomain).find((t) => t !== undefined) ??
    fallback;
  if (td === undefined)
    throw new CitadelError(
      'ERR_CITADEL_BUNDLE_INVALID',
      `${source}: cannot tell which trust domain it is for`,
    );
  return TrustBundle.fromPem(text, parseTrustDomain(td), source);
}

export function registerCertCommands(program: Command): void {
  const cert = program.command('cert').description('issue, inspect and renew workload X.509-SVIDs');

  cert
    .command('issue')
    .description('issue an SVID from the local CA into DIR (key.pem 0600, cert.pem, bundle.pem)')
    .requiredOption(
      '--spiffe-id <id>',
      'workload SPIFFE ID, e.g. spiffe://example.org/ns/shop/sa/cart',
      spiffeIdFlag,
    )
    .requiredOption('--out <dir>', 'directory to write the SVID into')
    .option(
      '--ttl <duration>',
      'lifetime (default: the CA default, 1h; clamped to the CA maximum)',
      durationFlag,
    )
    .option('--key-type <type>', 'ec-p256 (default), rsa-2048 or rsa-3072', keyTypeFlag)
    .addHelpText(
      'after',
      '\nExample:\n  palisade cert issue --spiffe-id spiffe://example.org/ns/shop/sa/cart --out ./svid --ttl 2h',
    )
    .action(
      runAction(async (ctx, opts: { spiffeId: SpiffeId; out: string; ttl?: number; keyType?: KeyType }) => {
        const { svid, bundle } = await requestSvid({
          source: { kind: 'local', stateDir: ctx.stateDir },
          spiffeId: opts.spiffeId,
          keyType: opts.keyType,
          ttlMs: opts.ttl,
        });
        await writeSvidDir(opts.out, svid, bundle);
        const leaf = svid.chain[0]!;
        ctx.print(
          `issued ${opts.spiffeId} serial ${leaf.serial}, expires ${expiryText(leaf.notAfter, Date.now())}\nwrote ${join(opts.out, 'key.pem')} (0600), cert.pem, bundle.pem`,
          { spiffe_id: opts.spiffeId.toString(), dir: opts.out, ...certFacts(leaf) },
        );
        return ExitCode.ok;
      }),
    );

  cert
    .command('inspect')
    .description('show a certificate: SPIFFE ID, serial, issuer, validity, key type, and whether it verifies')
    .argument('<file>', 'PEM file (leaf first, then intermediates)')
    .option(
      '--bundle <file>',
      'trust bundle to verify against (default: bundle.pem beside FILE, else the local CA)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  palisade cert inspect ./svid/cert.pem\n  palisade cert inspect peer.pem --bundle bundle.pem --json',
    )
    .action(
      runAction(async (ctx, opts: { bundle?: string }, file: string) => {
        const text = await readFile(file, 'utf8').catch((err: unknown) => {
          throw new CitadelError(
            'ERR_CITADEL_INVALID_ARGUMENT',
            `${file}: cannot read: ${(err as Error).message}`,
            { cause: err },
          );
        });
        const chain = Certificate.fromPem(text, file);
        const leaf = chain[0]!;
        let spiffeId: string | undefined;
        let idProblem: string | undefined;
        try {
          spiffeId = leafSpiffeId(leaf).toString();
        } catch (err) {
          idProblem = (err as Error).message;
        }
        const candidates = opts.bundle
          ? [opts.bundle]
          : [join(dirname(file), 'bundle.pem'), caPaths(ctx.stateDir).bundlePem];
        let bundleFile: string | undefined;
        let bundleText: string | undefined;
        for (const c of candidates) {
          bundleText = await readIfExists(c);
          if (bundleText !== undefined) {
            bundleFile = c;
            break;
          }
        }
        if (opts.bundle && bundleText === undefined) {
          throw new CitadelError('ERR_CITADEL_INVALID_ARGUMENT', `${opts.bundle}: cannot read the bundle`);
        }
        let verified: boolean | undefined;
        let reason: string | undefined;
        if (bundleText !== undefined && bundleFile !== undefined) {
          try {
            const bundle = bundleFromText(
              bundleText,
              bundleFile,
              tryParseSpiffeId(leaf.san.uris[0] ?? '')?.trustDomain,
            );
            validateX509Svid(chain, bundle);
            verified = true;
          } catch (err) {
            verified = false;
            reason = (err as Error).message;
          }
        }
        const now = Date.now();
        const human = [
          `file          ${file} (${chain.length} certificate${chain.length === 1 ? '' : 's'})`,
          `SPIFFE ID     ${spiffeId ?? `none (${idProblem})`}`,
          `serial        ${leaf.serial}`,
          `subject       ${leaf.subject}`,
          `issuer        ${leaf.issuer}`,
          `valid from    ${leaf.notBefore.toISOString()}`,
          `expires       ${expiryText(leaf.notAfter, now)}`,
          `key type      ${leaf.keyType}`,
          `CA            ${leaf.isCa ? 'yes' : 'no'}`,
          `verifies      ${verified === undefined ? 'not checked (no bundle found; pass --bundle)' : verified ? `yes, against ${bundleFile}` : `NO: ${reason}`}`,
        ].join('\n');
        ctx.print(human, {
          file,
          spiffe_id: spiffeId ?? null,
          ...certFacts(leaf),
          time_left_ms: leaf.notAfter.getTime() - now,
          is_ca: leaf.isCa,
          chain_length: chain.length,
          verification:
            verified === undefined
              ? null
              : { bundle: bundleFile, ok: verified, ...(reason ? { reason } : {}) },
        });
        return verified === false ? ExitCode.failed : ExitCode.ok;
      }),
    );

  cert
    .command('rotate')
    .description("renew a workload's SVID in DIR (new key and CSR), via citadel or the local CA")
    .requiredOption('--dir <dir>', 'SVID directory (key.pem, cert.pem, bundle.pem)')
    .option(
      '--citadel <addr>',
      'citadel address host:port (default: sign with the local CA in the state directory)',
    )
    .option(
      '--token <jwt>',
      'join token, for a first issuance into an empty DIR (or when the SVID has expired)',
    )
    .option(
      '--bundle <file>',
      "roots to verify citadel with (default: DIR/bundle.pem, else the local CA's bundle)",
    )
    .option('--spiffe-id <id>', 'SPIFFE ID for a first local issuance', spiffeIdFlag)
    .option(
      '--if-expires-within <duration>',
      'renew only when at most this much lifetime is left (default: past half-life)',
      durationFlag,
    )
    .option('--force', 'renew now')
    .option('--watch', 'keep running: renew at half-life with jitter, back off on failure')
    .option('--ttl <duration>', 'requested lifetime (clamped to the CA maximum)', durationFlag)
    .option('--key-type <type>', 'ec-p256 (default), rsa-2048 or rsa-3072', keyTypeFlag)
    .addHelpText(
      'after',
      '\nExamples:\n  palisade cert rotate --dir ./svid --citadel 127.0.0.1:15012 --token "$(palisade token create --spiffe-id spiffe://example.org/ns/a/sa/b)" --bundle .palisade/ca/bundle.pem\n  palisade cert rotate --dir ./svid --citadel 127.0.0.1:15012 --watch\n  palisade cert rotate --dir ./svid --force          # local CA',
    )
    .action(runAction(async (ctx, opts: RotateFlags) => rotateCommand(ctx, opts)));
}

interface RotateFlags {
  dir: string;
  citadel?: string;
  token?: string;
  bundle?: string;
  spiffeId?: SpiffeId;
  ifExpiresWithin?: number;
  force?: boolean;
  watch?: boolean;
  ttl?: number;
  keyType?: KeyType;
}

async function rotateCommand(ctx: CommandContext, opts: RotateFlags): Promise<ExitCode> {
  let source: SvidSource;
  if (opts.citadel !== undefined) {
    const bundleFile =
      opts.bundle ??
      ((await readIfExists(join(opts.dir, 'bundle.pem'))) !== undefined
        ? undefined
        : caPaths(ctx.stateDir).bundlePem);
    let bundle: TrustBundle | undefined;
    if (bundleFile !== undefined) {
      const text = await readIfExists(bundleFile);
      if (text === undefined) {
        throw new CitadelError(
          'ERR_CITADEL_INVALID_ARGUMENT',
          `${bundleFile}: cannot read the trust bundle (pass --bundle FILE)`,
        );
      }
      bundle = bundleFromText(text, bundleFile, undefined);
    }
    source = { kind: 'citadel', address: opts.citadel, joinToken: opts.token, bundle };
  } else {
    if (opts.token !== undefined)
      throw new CitadelError('ERR_CITADEL_INVALID_ARGUMENT', '--token needs --citadel');
    source = { kind: 'local', stateDir: ctx.stateDir };
  }
  const base = {
    dir: opts.dir,
    source,
    spiffeId: opts.spiffeId,
    keyType: opts.keyType,
    ttlMs: opts.ttl,
    ifExpiresWithinMs: opts.ifExpiresWithin,
    force: opts.force === true,
  };
  const show = (r: RotateDirResult): void =>
    ctx.print(
      r.rotated
        ? `renewed ${r.spiffeId} (${r.reason}): serial ${r.serial}${r.previousSerial ? ` replaces ${r.previousSerial}` : ''}, expires ${expiryText(r.notAfter, Date.now())}`
        : `${r.spiffeId} not renewed: ${r.reason} (serial ${r.serial}, expires ${expiryText(r.notAfter, Date.now())}); use --force to renew now`,
      r,
    );
  if (opts.watch !== true) {
    show(await rotateSvidDir(base));
    return ExitCode.ok;
  }
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  ctx.logger.info({ dir: opts.dir }, 'watching SVID; renewing at half-life');
  await watchSvidDir({ ...base, signal: abort.signal, logger: ctx.logger, onRotate: show });
  return ExitCode.ok;
}
