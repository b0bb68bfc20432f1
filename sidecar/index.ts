/**
 * @module Public API of the sidecar: configuration, starting a sidecar, the policy seam and error types.
 */
export type {
  AuditSink,
  AuthzDecisionEvent,
  QuotaDecisionEvent,
  SidecarDecisionEvent,
} from './audit-sink.js';
export type { LoadedPolicy, PolicyEngine, PolicyEvaluator, RawDecision } from './authz/engine.js';
export { staticEngine } from './authz/engine.js';
export type { PolicyInput } from './authz/input.js';
export { POLICY_INPUT_VERSION } from './authz/input.js';
export type { InboundConfig, OutboundConfig, SidecarConfig } from './config.js';
export { loadSidecarConfig, parseSidecarConfig, sidecarConfigSchema } from './config.js';
export type { SidecarErrorCode } from './errors.js';
export { SecureNamingError, SidecarConfigError, SidecarError, UnauthorizedError } from './errors.js';
export type { RunningSidecar, SidecarOptions } from './stack.js';
export { startSidecar } from './stack.js';
