/**
 * @module The demo services `palisade up` runs behind each sidecar: a tiny HTTP echo that answers with its
 * name and the caller identity the sidecar vouched for (`x-forwarded-client-cert`). Demo layer.
 */
import { createServer, type Server } from 'node:http';

/** Start a demo service on loopback; resolves with the server once listening. */
export function startDemoApp(name: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const xfcc = String(req.headers['x-forwarded-client-cert'] ?? '');
      const caller = /URI=([^;,]+)/.exec(xfcc)?.[1] ?? 'unknown';
      const body = JSON.stringify({ service: name, method: req.method, path: req.url, caller });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
