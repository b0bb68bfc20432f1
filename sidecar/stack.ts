/**
 * @module Wires one sidecar, reading bottom-up: identity → TLS contexts → metrics → policy → audit →
 * inbound listeners (mTLS → identity → HTTP/TCP handler → app forwarder) → outbound listeners → admin.
 * Composition layer: the only place that knows every stage.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from '../lib/logger.js';
import { SidecarMetrics } from './admin/metrics.js';
import { type RunningAdmin, startAdminServer } from './admin/server.js';
import { type AuditSink, nullAuditSink, openDecisionLog } from './audit-sink.js';
import { type PolicyEngine, staticEngine } from './authz/engine.js';
import { inputContext } from './authz/input.js';
import type { PolicyStore } from './authz/policy-store.js';
import type { SidecarConfig } from './config.js';
import { SidecarError } from './errors.js';
import { type IdentitySource, startIdentity } from './identity/identity-source.js';
import { type RunningListener, startInboundListener } from './listener/inbound.js';
import { startOutboundListener } from './listener/outbound.js';
import type { AppForwarder } from './protocols/forward.js';
import { httpInboundHandler } from './protocols/http-inbound.js';
import { tcpInboundHandler } from './protocols/tcp-inbound.js';
import type { QuotaEnforcer } from './quota/index.js';
import { parsePeerId } from './tls/peer-identity.js';

export interface SidecarOptions {
  readonly logger: Logger;
  /** Clock for policy input `time` (tests inject one). */
  readonly now?: () => number;
  /** Replace the configured policy (tests, embedding). */
  readonly policyEngine?: PolicyEngine;
  /** Replace the configured audit log (tests). */
  readonly auditSink?: AuditSink;
  /** Base for relative paths in the config (default: the working directory). */
  readonly baseDir?: string;
}

export interface RunningSidecar {
  readonly inbound: readonly RunningListener[];
  readonly outbound: readonly RunningListener[];
  readonly admin: RunningAdmin;
  readonly identity: IdentitySource;
  readonly policy: PolicyEngine;
  readonly audit: AuditSink;
  readonly metrics: SidecarMetrics;
  /** The quota enforcer, when `quota:` is configured. */
  readonly quota: QuotaEnforcer | undefined;
  close(): Promise<void>;
}

/** Start a sidecar from a validated config. Rejects (closing what started) if any stage cannot start. */
export async function startSidecar(config: SidecarConfig, options: SidecarOptions): Promise<RunningSidecar> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const path = (p: string) => (isAbsolute(p) ? p : resolve(options.baseDir ?? process.cwd(), p));
  const self = parsePeerId(config.identity.spiffe_id);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };

  try {
    let identityRef: IdentitySource | undefined;
    const metrics = new SidecarMetrics(() =>
      identityRef ? (identityRef.store.info.notAfter.getTime() - Date.now()) / 1000 : 0,
    );
    const identity = await startIdentity(config, { logger, path, metrics });
    identityRef = identity;
    closers.push(() => identity.close());
    const store = identity.store;

    // One enforcer per process; it never waits for Redis (global limits follow on_unavailable until then).
    // The policy engine, the app forwarders and the quota enforcer are imported only by sidecars that use
    // them: a client-only sidecar (outbound listeners) then holds no Wasm runtime, builtins or HTTP client.
    const quota =
      config.quota === undefined
        ? undefined
        : await (await import('./quota/index.js')).createQuotaEnforcer(config.quota, {
            metricsRegistry: metrics.registry,
            logger: logger.child({ component: 'quota' }),
          });
    if (quota) closers.push(() => quota.close());

    let policy: PolicyEngine;
    let policyStore: PolicyStore | undefined;
    if (options.policyEngine) policy = options.policyEngine;
    else if (config.policy) {
      const [{ loadVerificationKey }, { PolicyStore }] = await Promise.all([
        import('./authz/bundle-signature.js'),
        import('./authz/policy-store.js'),
      ]);
      const verificationKey =
        config.policy.verification_key === undefined
          ? undefined
          : await loadVerificationKey(path(config.policy.verification_key));
      policyStore = new PolicyStore(
        { ...config.policy, bundle: path(config.policy.bundle) },
        logger,
        metrics,
        {
          ...(config.quota ? { quotaEntrypoint: config.quota.entrypoint } : {}),
          ...(verificationKey ? { verificationKey } : {}),
        },
      );
      await policyStore.start();
      closers.push(() => policyStore?.close() ?? Promise.resolve());
      policy = policyStore;
    } else {
      if (config.inbound.length > 0)
        logger.warn('no policy configured: every inbound request will be denied (fail closed)');
      policy = staticEngine(undefined);
    }

    const audit =
      options.auditSink ??
      (config.audit
        ? await openDecisionLog(config.audit, options.baseDir ?? process.cwd(), self.principal, logger)
        : nullAuditSink());
    closers.push(() => audit.close());

    const inbound: RunningListener[] = [];
    for (const [i, cfg] of config.inbound.entries()) {
      const label = `inbound[${i}]`;
      const ctx = inputContext(
        {
          principal: self.principal,
          service: cfg.service ?? (self.serviceAccount || 'unknown'),
          port: cfg.port,
        },
        config.policy?.include_headers ?? [],
      );
      let forwarder: AppForwarder | undefined;
      if (cfg.protocol === 'http') {
        const app = { host: cfg.app.host, port: cfg.app.port, timeoutMs: config.limits.request_timeout };
        forwarder =
          cfg.app_protocol === 'h2c'
            ? (await import('./protocols/forward-h2c.js')).h2cForwarder(app)
            : (await import('./protocols/forward-h1.js')).h1Forwarder(app);
        closers.push(() => forwarder?.close() ?? Promise.resolve());
      }
      const common = {
        listener: label,
        inputContext: ctx,
        engine: policy,
        audit,
        metrics,
        now,
        ...(quota ? { quota } : {}),
      };
      const listener = await startInboundListener({
        config: cfg,
        limits: config.limits,
        store,
        trustDomain: self.trustDomain,
        selfId: self.principal,
        metrics,
        logger,
        label,
        ...(forwarder
          ? { onRequest: httpInboundHandler({ ...common, forwarder }) }
          : {
              onConnection: tcpInboundHandler({
                ...common,
                app: cfg.app,
                idleTimeoutMs: config.limits.idle_timeout,
              }),
            }),
      });
      // The policy input names the port actually bound (port 0 in tests).
      (ctx.destination as { port: number }).port = listener.port;
      closers.push(() => listener.close());
      inbound.push(listener);
    }

    const outbound: RunningListener[] = [];
    for (const cfg of config.outbound) {
      const listener = await startOutboundListener({
        config: cfg,
        store,
        trustDomain: self.trustDomain,
        metrics,
        logger,
        idleTimeoutMs: config.limits.idle_timeout,
      });
      closers.push(() => listener.close());
      outbound.push(listener);
    }

    const admin = await startAdminServer(config.admin.bind, config.admin.port, {
      metrics,
      notReady() {
        const problems: string[] = [];
        if (store.info.notAfter.getTime() <= Date.now()) problems.push('SVID expired');
        // Only inbound requests are decided by the policy: a client-only sidecar is ready without one.
        if (inbound.length > 0 && policy.current === undefined) problems.push('no policy loaded');
        if (!audit.healthy()) problems.push(`audit log: ${audit.problem ?? 'unhealthy'}`);
        return problems;
      },
      describe() {
        return {
          config,
          identity: {
            spiffe_id: store.info.spiffeId,
            serial: store.info.serial,
            not_after: store.info.notAfter.toISOString(),
            bundle_roots: store.info.bundleFingerprints,
          },
          policy: policyStore?.status ?? { revision: policy.current?.revision },
          audit: { location: audit.location, healthy: audit.healthy(), problem: audit.problem },
          quota: quota === undefined ? undefined : { entrypoint: quota.config.entrypoint, ...quota.stats() },
          listeners: {
            inbound: inbound.map((l) => l.port),
            outbound: outbound.map((l) => l.port),
          },
        };
      },
    });
    closers.push(() => admin.close());

    logger.info(
      {
        spiffe_id: self.principal,
        inbound: inbound.map((l) => l.port),
        outbound: outbound.map((l) => l.port),
        admin: admin.port,
        policy: policy.current?.revision ?? 'none',
      },
      'sidecar ready',
    );
    return { inbound, outbound, admin, identity, policy, audit, metrics, quota, close: closeAll };
  } catch (err) {
    await closeAll();
    if ((err as { code?: string }).code?.startsWith('ERR_')) throw err;
    throw new SidecarError('ERR_SIDECAR_LISTEN', `sidecar failed to start: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
