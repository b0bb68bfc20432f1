/**
 * @module Handles one inbound opaque TCP connection: connection-level authorization (no method or path),
 * then a byte pipe to the application, or a close right after the handshake on denial. Protocols layer.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { SidecarMetrics } from '../admin/metrics.js';
import type { AuditSink } from '../audit-sink.js';
import { authorize } from '../authz/authorize.js';
import type { PolicyEngine } from '../authz/engine.js';
import { type InputContext, tcpInput } from '../authz/input.js';
import type { ConnectionState } from '../listener/connection.js';
import type { QuotaEnforcer } from '../quota/index.js';
import { gateQuota } from './quota-gate.js';

export interface TcpInboundDeps {
  readonly listener: string;
  readonly inputContext: InputContext;
  readonly engine: PolicyEngine;
  readonly audit: AuditSink;
  readonly metrics: SidecarMetrics;
  readonly app: { host: string; port: number };
  /** Limits apply per connection; absent when no `quota:` is configured. */
  readonly quota?: QuotaEnforcer;
  readonly now: () => number;
  readonly idleTimeoutMs: number;
}

/** Build the handler for an accepted (and, for mTLS, verified) connection. */
export function tcpInboundHandler(deps: TcpInboundDeps): (socket: Socket, state: ConnectionState) => void {
  const { engine, audit, metrics, listener } = deps;
  return (socket, state) => {
    const started = process.hrtime.bigint();
    const id = randomUUID();
    socket.pause();
    // From here the socket is ours, also while the decision is pending: a reset then must not be an
    // unhandled 'error' (a plaintext socket from a PERMISSIVE port has no other listener: the process
    // would crash). Its 'close' follows and ends the app side.
    socket.on('error', () => socket.destroy());
    const source = () => ({
      principal: state.source.mtls ? state.source.principal : null,
      address: state.source.address,
      port: state.source.port,
      mtls: state.source.mtls,
    });
    const account = (decision: 'allow' | 'deny' | 'error', reason: string, revision: string) => {
      metrics.requests.labels(listener, 'tcp', decision, decision === 'allow' ? 'ok' : 'closed').inc();
      audit.record({
        kind: 'authz',
        request_id: id,
        decision,
        reason,
        source: source(),
        destination: deps.inputContext.destination,
        request: { protocol: 'tcp' },
        policy: { entrypoint: engine.allowEntrypoint, ...(revision === '' ? {} : { revision }) },
        status: decision === 'allow' ? 0 : 1,
        latency_us: Number(process.hrtime.bigint() - started) / 1000,
      });
    };
    if (!audit.healthy()) {
      metrics.auditDropped.inc();
      account('error', `audit log unavailable: ${audit.problem ?? 'unknown'}`, '');
      socket.destroy();
      return;
    }
    const input = tcpInput(deps.inputContext, state.source, state.connection, id, deps.now());
    authorize(engine, input, (verdict, info) => {
      metrics.policySeconds.observe(info.evalMicros / 1e6);
      if (verdict instanceof Error) {
        account(info.outcome === 'error' ? 'error' : 'deny', verdict.reason, info.revision);
        socket.destroy();
        return;
      }
      gateQuota(deps.quota, verdict.limits, (outcome) => {
        if (!outcome.pass) {
          if (outcome.limit === undefined) account(outcome.decision, outcome.refusal.reason, info.revision);
          else {
            metrics.requests.labels(listener, 'tcp', 'deny', 'closed').inc();
            audit.record({
              kind: 'quota',
              request_id: id,
              decision: 'deny',
              reason: outcome.refusal.reason,
              source: source(),
              destination: deps.inputContext.destination,
              request: { protocol: 'tcp' },
              quota: outcome.limit,
              status: 1,
              latency_us: Number(process.hrtime.bigint() - started) / 1000,
            });
          }
          socket.destroy();
          return;
        }
        if (socket.destroyed) {
          // The caller went away while it was being decided: nothing to connect.
          account('error', 'caller closed the connection before it was authorized', info.revision);
          return;
        }
        const app = connect({ host: deps.app.host, port: deps.app.port });
        app.setNoDelay(true);
        socket.setNoDelay(true);
        socket.setTimeout(deps.idleTimeoutMs, () => socket.destroy());
        let connected = false;
        app.once('connect', () => {
          connected = true;
          account('allow', verdict.reason, info.revision);
          socket.pipe(app);
          app.pipe(socket);
          socket.resume();
        });
        app.once('error', () => {
          if (!connected) account('error', 'upstream application unavailable', info.revision);
          socket.destroy();
        });
        app.once('close', () => socket.destroy());
        socket.once('close', () => app.destroy());
      });
    });
  };
}
