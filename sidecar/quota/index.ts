/**
 * @module Public API of the quota engine the sidecar plugs in: the `quota:` config schema, the Rego
 * contract (limit validation, the combined authz+quota decision module) and the per-request enforcer.
 */
export { parseQuotaConfig, type QuotaConfig, type QuotaConfigInput, quotaConfigSchema } from './config.js';
export {
  DECISION_ENTRYPOINT,
  DECISION_REF,
  type DecisionEntrypoints,
  type DecisionParts,
  decisionModule,
  splitDecision,
} from './decision.js';
export {
  createQuotaEnforcer,
  type QuotaAllowed,
  type QuotaClock,
  type QuotaDecision,
  type QuotaDenied,
  type QuotaEnforcer,
  type QuotaEnforcerDeps,
} from './enforcer.js';
export { QuotaError, type QuotaErrorCode } from './errors.js';
export type { QuotaHeaders } from './headers.js';
export { type OnUnavailable, parseLimits, type QuotaLimit, type QuotaScope } from './limit.js';
