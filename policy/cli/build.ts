/**
 * @module `palisade policy build DIR… -e EP…`: compile Rego (or an OPA plan) to an OPA Wasm bundle,
 * optionally signed. CLI layer.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { FileMode, writeFileDurable } from '../../lib/durable-write.js';
import { PolicyError } from '../errors.js';
import { policyGroup } from './check.js';

/** The Wasm backend loads binaryen (a large module): only when this command runs, not for every CLI start. */
const wasmBackend = () => import('../wasm/index.js');

interface BuildFlags {
  entrypoint: string[];
  output: string;
  signingKey?: string;
  signingAlg?: string;
  signingKeyId?: string;
  v0Compatible?: boolean;
  fromPlan?: string;
  revision?: string;
}

async function readKey(path: string, flags: BuildFlags) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PolicyError(
      'ERR_POLICY_BUNDLE_KEY',
      `cannot read signing key ${path}: ${(err as Error).message}`,
      {
        cause: err,
        exitCode: 2,
      },
    );
  }
  const { signingKeyFrom } = await wasmBackend();
  return signingKeyFrom(text, { alg: flags.signingAlg, keyid: flags.signingKeyId });
}

export function registerBuildCommand(program: Command): void {
  policyGroup(program)
    .command('build')
    .description('compile Rego policies (or an OPA plan) to an OPA-format Wasm bundle')
    .argument('[path...]', 'Rego files or directories; data.json/data.yaml files beside them become data')
    .option('-e, --entrypoint <path>', 'entrypoint to compile, e.g. authz/allow (repeatable)', collect, [])
    .option('-o, --output <file>', 'bundle file to write', 'bundle.tar.gz')
    .option(
      '--signing-key <file>',
      'PEM private key (RSA/ECDSA/Ed25519) or HMAC secret file to sign the bundle',
    )
    .option(
      '--signing-alg <alg>',
      'JWS algorithm (default: RS256, ES256/384/512 by curve, HS256 for secrets)',
    )
    .option('--signing-key-id <id>', 'key id recorded in the signature')
    .option('--v0-compatible', 'parse Rego v0 (OPA 0.x syntax)')
    .option('--from-plan <file>', 'compile this plan JSON (from `opa build -t plan`) instead of Rego')
    .option('--revision <rev>', 'bundle revision recorded in the manifest')
    .addHelpText(
      'after',
      `
Examples:
  $ palisade policy build policies/ -e authz/allow -o authz.tar.gz
  $ palisade policy build policies/ -e authz/allow --signing-key signer.pem --signing-key-id ci
  $ opa build -t plan -e authz/allow policies/ && tar xzf bundle.tar.gz /plan.json
  $ palisade policy build --from-plan plan.json -o bundle.tar.gz --json`,
    )
    .action(
      runAction<BuildFlags, [string[]]>(async (ctx, flags, paths) => {
        const signingKey = flags.signingKey ? await readKey(flags.signingKey, flags) : undefined;
        const { buildPolicyBundle } = await wasmBackend();
        const r = await buildPolicyBundle({
          paths,
          entrypoints: flags.entrypoint,
          fromPlan: flags.fromPlan,
          v0Compatible: flags.v0Compatible,
          signingKey,
          revision: flags.revision,
        });
        for (const w of r.warnings) ctx.logger.warn(w);
        await writeFileDurable(flags.output, r.bundle, { mode: FileMode.public });
        const eps = Object.keys(r.entrypoints);
        ctx.print(
          [
            `wrote ${flags.output} (${r.bundle.length} bytes; policy.wasm ${r.wasmBytes} bytes${r.signed ? ', signed' : ''})`,
            `entrypoints: ${eps.join(', ')}`,
            ...(r.hostBuiltins.length > 0 ? [`host builtins: ${r.hostBuiltins.join(', ')}`] : []),
          ].join('\n'),
          {
            output: flags.output,
            bytes: r.bundle.length,
            wasmBytes: r.wasmBytes,
            entrypoints: r.entrypoints,
            hostBuiltins: r.hostBuiltins,
            warnings: r.warnings,
            signed: r.signed,
          },
        );
        return undefined;
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
