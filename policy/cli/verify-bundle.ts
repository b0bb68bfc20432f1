/**
 * @module `palisade policy verify-bundle BUNDLE --verification-key KEY`: check an OPA bundle's signature
 * covers every file with matching hashes, and that its Wasm module loads. CLI layer.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { PolicyError } from '../errors.js';
import { policyGroup } from './check.js';

/** The Wasm backend loads binaryen (a large module): only when this command runs, not for every CLI start. */
const wasmBackend = () => import('../wasm/index.js');

interface VerifyFlags {
  verificationKey: string;
  alg?: string;
}

export function registerVerifyBundleCommand(program: Command): void {
  policyGroup(program)
    .command('verify-bundle')
    .description("verify a bundle's signature and that its Wasm module loads")
    .argument('<bundle>', 'bundle .tar.gz (built by palisade or opa)')
    .requiredOption('--verification-key <file>', 'PEM public key or HMAC secret file')
    .option('--alg <alg>', 'JWS algorithm to accept (default: from the key type)')
    .addHelpText(
      'after',
      `
Examples:
  $ palisade policy verify-bundle authz.tar.gz --verification-key signer.pub.pem
  $ palisade policy verify-bundle bundle.tar.gz --verification-key secret.txt --alg HS256 --json`,
    )
    .action(
      runAction<VerifyFlags, [string]>(async (ctx, flags, path) => {
        let keyText: string;
        try {
          keyText = await readFile(flags.verificationKey, 'utf8');
        } catch (err) {
          throw new PolicyError(
            'ERR_POLICY_BUNDLE_KEY',
            `cannot read verification key ${flags.verificationKey}: ${(err as Error).message}`,
            { cause: err, exitCode: 2 },
          );
        }
        const { loadPolicyModule, readBundleFile, verificationKeyFrom, verifyBundle } = await wasmBackend();
        const key = verificationKeyFrom(keyText, { alg: flags.alg });
        const bundle = await readBundleFile(path);
        const verified = await verifyBundle(bundle, key);
        let entrypoints: Record<string, number> = {};
        if (bundle.wasm) entrypoints = (await loadPolicyModule(bundle.wasm)).entrypoints;
        ctx.print(
          `${path}: signature OK (${verified.files.length} files); entrypoints: ${Object.keys(entrypoints).join(', ') || 'none'}`,
          {
            bundle: path,
            verified: true,
            files: verified.files,
            keyid: verified.keyid ?? null,
            entrypoints,
          },
        );
        return ExitCode.ok;
      }),
    );
}
