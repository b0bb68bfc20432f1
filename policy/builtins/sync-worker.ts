/**
 * @module Blocking calls into one helper worker thread, for the network builtins: builtins are synchronous
 * (the Wasm host ABI calls them synchronously), but Node's DNS and HTTP clients are not. The caller waits on
 * a shared flag (Atomics.wait) and takes the worker's reply with receiveMessageOnPort; the worker is unref'd
 * so it never keeps a process alive.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { BuiltinError } from './builtin-error.js';

/** The worker's source: CommonJS, evaluated in the worker; only node: modules. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');

function request(spec, redirectsLeft) {
  return new Promise((resolve, reject) => {
    const url = new URL(spec.url);
    const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
    if (mod === null) return reject(new Error('unsupported protocol scheme "' + url.protocol.replace(':', '') + '"'));
    const req = mod.request(url, {
      method: spec.method,
      headers: spec.headers,
      ca: spec.tls.caPem,
      cert: spec.tls.certPem,
      key: spec.tls.keyPem,
      rejectUnauthorized: !spec.tls.insecureSkipVerify,
      servername: spec.tls.serverName,
      timeout: spec.timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const location = res.headers.location;
        if (redirectsLeft > 0 && location && [301, 302, 303, 307, 308].includes(res.statusCode)) {
          const next = { ...spec, url: new URL(location, url).toString() };
          if (res.statusCode === 303) { next.method = 'GET'; next.body = undefined; }
          return request(next, redirectsLeft - 1).then(resolve, reject);
        }
        const headers = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const k = res.rawHeaders[i].toLowerCase();
          (headers[k] ??= []).push(res.rawHeaders[i + 1]);
        }
        resolve({ status: res.statusCode, statusText: res.statusMessage || '', headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out after ' + spec.timeoutMs + ' ms')));
    req.on('error', reject);
    if (spec.body !== undefined) req.write(spec.body);
    req.end();
  });
}

parentPort.on('message', async ({ job, port, flag }) => {
  let reply;
  try {
    if (job.kind === 'lookup') {
      const addrs = await dns.promises.lookup(job.host, { all: true, verbatim: true });
      reply = { ok: true, value: addrs.map((a) => a.address) };
    } else {
      reply = { ok: true, value: await request(job.spec, job.spec.maxRedirects) };
    }
  } catch (err) {
    reply = { ok: false, message: String(err && err.message || err), code: err && err.code };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let worker: Worker | undefined;

function getWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('error', () => {
      worker = undefined;
    });
    worker.on('exit', () => {
      worker = undefined;
    });
  }
  return worker;
}

export type SyncJob = { kind: 'lookup'; host: string } | { kind: 'http'; spec: unknown };

/** Run `job` in the helper worker and wait for it, at most `timeoutMs` (then a BuiltinError). */
export function runSync<T>(job: SyncJob, timeoutMs: number): T {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  try {
    getWorker().postMessage({ job, port: port2, flag }, [port2 as MessagePort]);
    const state = Atomics.wait(flag, 0, 0, timeoutMs);
    const msg = receiveMessageOnPort(port1);
    if (state === 'timed-out' && msg === undefined) {
      throw new BuiltinError(`timed out after ${timeoutMs} ms`);
    }
    const reply = msg?.message as { ok: boolean; value?: T; message?: string; code?: string } | undefined;
    if (reply === undefined) throw new BuiltinError('the network helper did not answer');
    if (!reply.ok) throw new BuiltinError(reply.message ?? 'network error', { cause: reply.code });
    return reply.value as T;
  } finally {
    port1.close();
  }
}
