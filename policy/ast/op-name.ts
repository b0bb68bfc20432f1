/**
 * @module The dotted name of a call's operator (`count`, `net.cidr_contains`, `data.lib.f`), shared by the
 * compiler, the planner and the formatter.
 */
import type { RefTerm } from './nodes.js';

export function opName(op: RefTerm): string {
  return op.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '?')).join('.');
}
