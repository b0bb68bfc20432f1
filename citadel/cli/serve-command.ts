/**
 * @module `palisade citadel serve`: run the gRPC issuance server until SIGINT/SIGTERM, optionally with a
 * Prometheus `/metrics` endpoint. CLI layer over citadel/server/.
 */
import { createServer } from 'node:http';
import type { Command } from 'commander';
import { runAction } from '../../lib/cli.js';
import { ExitCode } from '../../lib/errors.js';
import { CitadelError } from '../errors.js';
import { DEFAULT_LISTEN, startCitadelServer } from '../server/citadel-server.js';
import { positiveIntFlag } from './render.js';

interface ServeFlags {
  listen: string;
  metricsListen?: string;
  rateLimit?: number;
  burst?: number;
  maxInFlight?: number;
}

export function registerServeCommand(program: Command): void {
  const citadel = program.command('citadel').description('the certificate authority server');
  citadel
    .command('serve')
    .description('serve the gRPC issuance API over TLS (CreateCertificate, WatchTrustBundle)')
    .option('--listen <addr>', 'host:port to listen on', DEFAULT_LISTEN)
    .option('--metrics-listen <addr>', 'also serve Prometheus metrics at http://ADDR/metrics')
    .option('--rate-limit <n>', 'issuances per second per caller (default 50)', positiveIntFlag)
    .option('--burst <n>', 'burst per caller (default 100)', positiveIntFlag)
    .option(
      '--max-in-flight <n>',
      'requests processed at once before answering RESOURCE_EXHAUSTED (default 512)',
      positiveIntFlag,
    )
    .addHelpText(
      'after',
      '\nRotations made with `palisade ca ...` while serving are picked up automatically.\n\nExamples:\n  palisade citadel serve\n  palisade citadel serve --listen 0.0.0.0:15012 --metrics-listen 127.0.0.1:15014',
    )
    .action(
      runAction(async (ctx, opts: ServeFlags) => {
        const server = await startCitadelServer({
          stateDir: ctx.stateDir,
          listen: opts.listen,
          logger: ctx.logger,
          rateLimits: {
            ...(opts.rateLimit ? { perCallerRate: opts.rateLimit } : {}),
            ...(opts.burst ? { perCallerBurst: opts.burst } : {}),
            ...(opts.maxInFlight ? { maxInFlight: opts.maxInFlight } : {}),
          },
        });
        let metricsAddress: string | undefined;
        const http =
          opts.metricsListen === undefined
            ? undefined
            : createServer((req, res) => {
                if (req.url !== '/metrics') {
                  res.writeHead(404).end();
                  return;
                }
                server.metrics.metrics().then(
                  (text) => res.writeHead(200, { 'content-type': server.metrics.contentType }).end(text),
                  () => res.writeHead(500).end(),
                );
              });
        if (http !== undefined && opts.metricsListen !== undefined) {
          const m = /^(.+):(\d+)$/.exec(opts.metricsListen);
          if (!m) {
            await server.close();
            throw new CitadelError(
              'ERR_CITADEL_INVALID_ARGUMENT',
              `invalid --metrics-listen "${opts.metricsListen}" (expected host:port)`,
            );
          }
          await new Promise<void>((resolve) => http.listen(Number(m[2]), m[1], resolve));
          metricsAddress = `${m[1]}:${(http.address() as { port: number }).port}`;
        }
        ctx.print(
          `citadel serving trust domain ${server.trustDomain} on ${server.address}${metricsAddress ? `, metrics on http://${metricsAddress}/metrics` : ''}`,
          { address: server.address, trust_domain: server.trustDomain, metrics: metricsAddress ?? null },
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        http?.close();
        await server.close();
        return ExitCode.ok;
      }),
    );
}
