/**
 * @module The planner: lowers compiled Rego (rule tree, reordered bodies) to OPA's plan IR. Bodies are
 * planned in continuation-passing style as OPA's planner does; rules become functions of
 * (input, data[, args]) named `g<gen>.data.<path>`. This file assembles the Planner from its parts.
 */
import './exprs.js';
import './with.js';
import './unify.js';
import './terms.js';
import './calls.js';
import './refs.js';
import './rules.js';

export { type Generation, opRef, PlanError, Planner } from './planner-core.js';
