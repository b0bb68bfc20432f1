#!/usr/bin/env node
/**
 * @module The `palisade` command: wires each component's command group and nothing else.
 */
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from '../audit/cli/index.js';
import { registerCitadelCommands } from '../citadel/cli/index.js';
import { addGlobalOptions, reportError } from '../lib/cli.js';
import { ExitCode } from '../lib/errors.js';
import { PACKAGE_VERSION } from '../lib/package-info.js';
import { registerPolicyCommands } from '../policy/cli/index.js';
import { registerSidecarCommands, registerUpCommand } from '../sidecar/cli/index.js';

const program = new Command('palisade')
  .description('Palisade: a zero-trust service mesh — SPIFFE identities, mutual TLS, Rego policy in-proxy.')
  .version(PACKAGE_VERSION, '-V, --version', 'print the version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });
addGlobalOptions(program);
program.addHelpText(
  'after',
  `
Exit codes: 0 success, 1 the operation ran and failed, 2 usage or configuration error.
Environment: PALISADE_HOME (state directory), PALISADE_LOG_LEVEL, PALISADE_DEBUG=1 (stack traces).`,
);

// Each component registers its own group.
registerCitadelCommands(program);
registerPolicyCommands(program);
registerSidecarCommands(program);
registerAuditCommands(program);
registerUpCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version "errors" are successful exits; every other parse failure is a usage error.
    const ok =
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.code === 'commander.help';
    process.exitCode = ok ? ExitCode.ok : ExitCode.usage;
  } else {
    process.exitCode = reportError(err, { json: process.argv.includes('--json') });
  }
}
