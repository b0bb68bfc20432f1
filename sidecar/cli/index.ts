/**
 * @module Registers the `sidecar` group (`run`, `up`, `demo-app`, `decision-module`) and the top-level `up`
 * on the `palisade` program. CLI layer.
 */

import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { type Command, InvalidArgumentError } from 'commander';
import { runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { DECISION_ENTRYPOINT, decisionModule } from '../quota/decision.js';

// Each action imports what it runs when it runs: a sidecar process should not hold the demo mesh, the CA or
// the Rego compiler in memory (every MB counts once per pod).

/**
 * Resolves on the first SIGINT or SIGTERM. Later signals are absorbed while the process shuts down: Ctrl-C
 * in a terminal reaches every process of the group and a supervisor may add its own SIGTERM, and the
 * default action would kill the process before the audit log is flushed and its closing checkpoint
 * written. A supervisor that must not wait sends SIGKILL.
 */
function untilSignal(): Promise<void> {
  return new Promise((resolveSignal) => {
    let received = false;
    const on = () => {
      if (received) return;
      received = true;
      resolveSignal();
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`not a port: ${raw}`);
  return n;
}

/** The `up` action, shared by `palisade up` and `palisade sidecar up`. */
const upAction = runAction<{ policies?: string }>(async (ctx, opts) => {
  const { meshUp } = await import('../up/mesh-up.js');
  return meshUp({
    stateDir: ctx.stateDir,
    logger: ctx.logger,
    print: (line) => process.stdout.write(`${line}\n`),
    until: untilSignal(),
    ...(opts.policies ? { policyDir: resolve(opts.policies) } : {}),
  });
});

const UP_HELP = `
Starts citadel (creating a CA in the state directory if there is none), builds policies/ into a Wasm
bundle, runs the demo services web, orders and payments, each behind its own sidecar process, sends a few
requests (one path allowed, one denied), prints identities, decisions and where the audit logs are, and
keeps running until Ctrl-C.

Examples:
  $ palisade up
  $ palisade --state-dir /tmp/mesh up`;

/** Register `palisade up` (top level). bin/ calls this once its placeholder `up` is gone. */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run a local demo mesh: citadel, three services with sidecars, the shipped policy')
    .option('--policies <dir>', 'Rego policies to load (default: the shipped policies/)')
    .addHelpText('after', UP_HELP)
    .action(upAction);
}

export function registerSidecarCommands(program: Command): void {
  const sidecar = program.command('sidecar').description('the data-plane proxy beside each workload');

  sidecar
    .command('run')
    .description('run one sidecar from its YAML config until SIGINT/SIGTERM')
    .requiredOption('--config <file>', 'sidecar config (see docs/sidecar.md)')
    .addHelpText(
      'after',
      `
Exit codes: 0 after a clean shutdown, 1 when it could not start, 2 for an invalid config (naming the field).

Examples:
  $ palisade sidecar run --config orders.yaml
  $ PALISADE_SIDECAR__ADMIN__PORT=15001 palisade sidecar run --config orders.yaml`,
    )
    .action(
      runAction<{ config: string }>(async (ctx, opts) => {
        // WebAssembly stays on V8's baseline compiler (Liftoff) in a sidecar. Its optimizing tier recompiles
        // hot functions in the background, and for undici's HTTP parser (one very large function) that took
        // ~35 MB for a moment after the first requests and left ~10 MB behind: the sidecar's peak RSS. The
        // baseline code parses the app's answers as fast here and evaluates the policy ~1.5 µs slower
        // (docs/sidecar.md#performance). Set before any module is compiled; V8 reads it at compile time.
        setFlagsFromString('--liftoff-only');
        const [{ loadSidecarConfig }, { startSidecar }] = await Promise.all([
          import('../config.js'),
          import('../stack.js'),
        ]);
        const config = await loadSidecarConfig(opts.config, { env: ctx.env });
        const running = await startSidecar(config, {
          logger: ctx.logger,
          baseDir: dirname(resolve(opts.config)),
        });
        ctx.print(`sidecar ${config.identity.spiffe_id} running (admin on 127.0.0.1:${running.admin.port})`, {
          spiffe_id: config.identity.spiffe_id,
          inbound: running.inbound.map((l) => l.port),
          outbound: running.outbound.map((l) => l.port),
          admin: running.admin.port,
        });
        await untilSignal();
        await running.close();
        return ExitCode.ok;
      }),
    );

  sidecar
    .command('up')
    .description('same as `palisade up`: run the local demo mesh')
    .option('--policies <dir>', 'Rego policies to load (default: the shipped policies/)')
    .addHelpText('after', UP_HELP)
    .action(upAction);

  sidecar
    .command('decision-module')
    .description(
      `print the Rego module whose entrypoint ${DECISION_ENTRYPOINT} answers authorization and quota in one evaluation`,
    )
    .option('--allow <entrypoint>', 'allow entrypoint', 'palisade/authz/allow')
    .option('--reason <entrypoint>', 'reason entrypoint', 'palisade/authz/reason')
    .option(
      '--quota <entrypoint>',
      'quota entrypoint (the sidecar config quota.entrypoint)',
      'palisade/quota/limits',
    )
    .addHelpText(
      'after',
      `
Build it into the policy bundle beside your policies; a sidecar whose module has ${DECISION_ENTRYPOINT}
evaluates it once per request instead of one call per entrypoint (docs/quota.md):
  $ palisade sidecar decision-module > build/decision.rego
  $ palisade policy build policies/ build/decision.rego -e ${DECISION_ENTRYPOINT} \
      -e palisade/authz/allow -e palisade/quota/limits -o bundle.tar.gz`,
    )
    .action(
      runAction<{ allow: string; reason: string; quota: string }>(async (ctx, opts) => {
        const source = decisionModule({ allow: opts.allow, reason: opts.reason, quota: opts.quota });
        ctx.print(source, { entrypoint: DECISION_ENTRYPOINT, source });
        return ExitCode.ok;
      }),
    );

  sidecar
    .command('demo-app')
    .description('a tiny HTTP echo service used by `palisade up` (loopback only)')
    .requiredOption('--name <name>', 'service name it reports')
    .requiredOption('--port <port>', 'port on 127.0.0.1', parsePort)
    .addHelpText('after', '\nExample:\n  $ palisade sidecar demo-app --name orders --port 18081')
    .action(
      runAction<{ name: string; port: number }>(async (_ctx, opts) => {
        const { startDemoApp } = await import('../up/demo-app.js');
        const server = await startDemoApp(opts.name, opts.port);
        await untilSignal();
        await new Promise((r) => server.close(r));
        return ExitCode.ok;
      }),
    );
}
