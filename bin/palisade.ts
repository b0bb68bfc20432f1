#!/usr/bin/env node
/**
 * @module The `palisade` command: wires each component's command group and nothing else.
 */
import { Command, CommanderError } from 'commander';
import { addGlobalOptions, reportError } from '../lib/cli.js';
import { ExitCode } from '../lib/errors.js';
import { PACKAGE_VERSION } from '../lib/package-info.js';

type Register = (program: Command) => void;

/**
 * Each component's command group, by the top-level words it registers. Loaded on demand: a sidecar started
 * as `palisade sidecar run` should not carry the CA, the Rego compiler and the audit exporter in memory
 * (tens of MB per pod).
 */
const GROUPS: readonly { words: readonly string[]; load: () => Promise<Register[]> }[] = [
  {
    words: ['ca', 'cert', 'token', 'citadel'],
    load: async () => [(await import('../citadel/cli/index.js')).registerCitadelCommands],
  },
  { words: ['policy'], load: async () => [(await import('../policy/cli/index.js')).registerPolicyCommands] },
  {
    words: ['sidecar', 'up'],
    load: async () => {
      const m = await import('../sidecar/cli/index.js');
      return [m.registerSidecarCommands, m.registerUpCommand];
    },
  },
  { words: ['audit'], load: async () => [(await import('../audit/cli/index.js')).registerAuditCommands] },
];

/**
 * The groups this invocation needs: the one its first word names, or all of them when that word is not a
 * group (help, a typo) so that help and "unknown command" messages stay complete.
 */
async function registrations(root: Command, argv: readonly string[]): Promise<Register[]> {
  const takesValue = new Set(
    root.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short]),
  );
  let word: string | undefined;
  for (let i = 2; i < argv.length && word === undefined; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) word = arg;
    else if (takesValue.has(arg)) i++; // `--state-dir DIR`: DIR is the option's, not a command
  }
  const named = GROUPS.find((g) => word !== undefined && g.words.includes(word));
  const groups = named === undefined ? GROUPS : [named];
  return (await Promise.all(groups.map((g) => g.load()))).flat();
}

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
for (const register of await registrations(program, process.argv)) register(program);

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
