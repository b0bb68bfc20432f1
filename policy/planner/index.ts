/**
 * @module Public API of the planner: compiled Rego to OPA's plan IR.
 */
export { planEntrypointsFrom, planQueryFrom } from './plan.js';
export { type Generation, PlanError, Planner } from './planner.js';
