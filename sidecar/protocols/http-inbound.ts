/**
 * @module Handles one inbound HTTP/1.1 or HTTP/2 (gRPC included) request: policy input → decision → audit
 * → forward or refuse. Protocols layer; this is the hot path, so it allocates little, logs nothing
 * through pino, and publishes decisions on `node:diagnostics_channel` (`palisade:sidecar:decision`).
 */
import { randomUUID } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import type { SidecarMetrics } from '../admin/metrics.js';
import type { AuditSink, SidecarDecisionEvent } from '../audit-sink.js';
import { authorize, type Verdict, type VerdictInfo } from '../authz/authorize.js';
import type { PolicyEngine } from '../authz/engine.js';
import { httpInput, type InputContext, type PolicyInput } from '../authz/input.js';
import { getConnectionState } from '../listener/connection.js';
import type { QuotaEnforcer } from '../quota/index.js';
import { badGateway, badRequest, denied, type Refusal, respondRefusal, unavailable } from '../rescue.js';
import type { AppForwarder, ForwardResult, InboundRequest, InboundResponse } from './forward.js';
import { gateQuota, type QuotaOutcome } from './quota-gate.js';
import { resolveTarget } from './request-target.js';

/** Subscribers get `{input, verdict, info}` for every HTTP decision. */
export const decisionChannel = channel('palisade:sidecar:decision');

export interface HttpInboundDeps {
  /** Label for metrics and logs, e.g. `inbound:15006`. */
  readonly listener: string;
  readonly inputContext: InputContext;
  readonly engine: PolicyEngine;
  readonly audit: AuditSink;
  readonly metrics: SidecarMetrics;
  readonly forwarder: AppForwarder;
  /** Enforces the policy's limits on allowed requests; absent when no `quota:` is configured. */
  readonly quota?: QuotaEnforcer;
  readonly now: () => number;
}

/** Build the `request` listener for an inbound HTTP server. */
export function httpInboundHandler(
  deps: HttpInboundDeps,
): (req: InboundRequest, res: InboundResponse) => void {
  const { inputContext, engine, audit, metrics, forwarder, listener, quota } = deps;
  const entrypoint = engine.allowEntrypoint;
  const latencyAllow = metrics.requestSeconds.labels(listener, 'allow');
  const latencyDeny = metrics.requestSeconds.labels(listener, 'deny');

  return function onRequest(req, res) {
    const started = process.hrtime.bigint();
    const state = getConnectionState(req.socket);
    const requestId = randomUUID();
    if (state === undefined) {
      // Cannot happen for connections our listener accepted; refuse rather than guess an identity.
      respondRefusal(res, denied('connection has no verified identity'), requestId, false);
      return;
    }
    const h2 = req.httpVersionMajor === 2;
    const contentType = req.headers['content-type'];
    const grpc = h2 && typeof contentType === 'string' && contentType.startsWith('application/grpc');
    const protocol = grpc ? 'grpc' : h2 ? 'h2' : 'http/1.1';
    // The path and host the policy decides on are the ones the app gets (absolute-form rewritten).
    const target = resolveTarget(req);
    const input = httpInput(
      inputContext,
      state.source,
      state.connection,
      requestId,
      protocol,
      req.method ?? '',
      target.problem === undefined ? target.url : (req.url ?? '/'),
      target.problem === undefined ? target.host : '',
      req.headers,
      deps.now(),
    );

    const auditedRequest = (): SidecarDecisionEvent['request'] => ({
      protocol: grpc ? 'grpc' : h2 ? 'http2' : 'http1',
      method: input.request.method,
      path: input.request.path,
      host: input.request.host,
    });
    const auditedSource = () => ({
      principal: state.source.mtls ? state.source.principal : null,
      address: state.source.address,
      port: state.source.port,
      mtls: state.source.mtls,
    });
    const observe = (decision: 'allow' | 'deny' | 'error', status: number): number => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      (decision === 'allow' ? latencyAllow : latencyDeny).observe(seconds);
      metrics.requests.labels(listener, protocol, decision, String(status)).inc();
      return Math.round(seconds * 1e6);
    };
    const account = (
      decision: 'allow' | 'deny' | 'error',
      reason: string,
      status: number,
      revision: string,
    ): void => {
      const latency = observe(decision, status);
      audit.record({
        kind: 'authz',
        request_id: requestId,
        decision,
        reason,
        source: auditedSource(),
        destination: inputContext.destination,
        request: auditedRequest(),
        policy: revision === '' ? { entrypoint } : { entrypoint, revision },
        status,
        latency_us: latency,
      });
    };

    const refuse = (refusal: Refusal, decision: 'deny' | 'error', revision: string): void => {
      const status = respondRefusal(res, refusal, requestId, grpc);
      account(decision, refusal.reason, status, revision);
    };

    /** A request authorization allowed but quota refused: one `quota` audit record naming the limit. */
    const refuseQuota = (outcome: Exclude<QuotaOutcome, { pass: true }>, revision: string): void => {
      const status = respondRefusal(res, outcome.refusal, requestId, grpc);
      if (outcome.limit === undefined) {
        account(outcome.decision, outcome.refusal.reason, status, revision);
        return;
      }
      const latency = observe('deny', status);
      audit.record({
        kind: 'quota',
        request_id: requestId,
        decision: 'deny',
        reason: outcome.refusal.reason,
        source: auditedSource(),
        destination: inputContext.destination,
        request: auditedRequest(),
        quota: outcome.limit,
        status,
        latency_us: latency,
      });
    };

    if (!audit.healthy()) {
      metrics.auditDropped.inc();
      refuse(unavailable(`audit log unavailable: ${audit.problem ?? 'unknown'}`), 'error', '');
      return;
    }
    if (target.problem !== undefined) {
      refuse(badRequest(`malformed request: ${target.problem}`), 'deny', '');
      return;
    }

    authorize(engine, input, (verdict: Verdict, info: VerdictInfo) => {
      metrics.policySeconds.observe(info.evalMicros / 1e6);
      if (decisionChannel.hasSubscribers) publish(input, verdict, info);
      if (verdict instanceof Error) {
        refuse(denied(verdict.reason), info.outcome === 'error' ? 'error' : 'deny', info.revision);
        return;
      }
      gateQuota(quota, verdict.limits, (outcome) => {
        if (!outcome.pass) {
          refuseQuota(outcome, info.revision);
          return;
        }
        forwarder.forward(req, res, state.xfcc, requestId, outcome.headers, (result: ForwardResult) => {
          if (result.failure !== undefined) {
            refuse(badGateway('upstream application unavailable'), 'error', info.revision);
            return;
          }
          account('allow', verdict.reason, result.status, info.revision);
        });
      });
    });
  };
}

function publish(input: PolicyInput, verdict: Verdict, info: VerdictInfo): void {
  decisionChannel.publish({ input, verdict, info });
}
