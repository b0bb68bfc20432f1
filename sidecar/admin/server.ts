/**
 * @module The admin listener, loopback only: `/healthz` (the process serves), `/ready` (a valid SVID and a
 * loaded policy), `/metrics` (Prometheus), `/config` (the effective config without secrets). Admin layer.
 */
import { createServer, type ServerResponse } from 'node:http';
import { SidecarError } from '../errors.js';
import type { SidecarMetrics } from './metrics.js';

/** What the admin endpoints report; supplied by the stack. */
export interface AdminView {
  readonly metrics: SidecarMetrics;
  /** Reasons the sidecar is not ready; empty when ready. */
  notReady(): string[];
  /** Effective config and runtime status, already free of secrets. */
  describe(): unknown;
}

export interface RunningAdmin {
  readonly port: number;
  close(): Promise<void>;
}

export async function startAdminServer(bind: string, port: number, view: AdminView): Promise<RunningAdmin> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    switch (path) {
      case '/healthz':
        return send(res, 200, { status: 'ok' });
      case '/ready': {
        const problems = view.notReady();
        return send(res, problems.length === 0 ? 200 : 503, { ready: problems.length === 0, problems });
      }
      case '/config':
        return send(res, 200, view.describe());
      case '/metrics':
        view.metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': view.metrics.registry.contentType });
            res.end(text);
          },
          (err: Error) => send(res, 500, { error: err.message }),
        );
        return;
      default:
        return send(res, 404, {
          error: 'not found',
          endpoints: ['/healthz', '/ready', '/metrics', '/config'],
        });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new SidecarError('ERR_SIDECAR_LISTEN', `admin: cannot listen on ${bind}:${port}: ${err.message}`, {
          cause: err,
        }),
      ),
    );
    server.listen(port, bind, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
