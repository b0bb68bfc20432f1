/**
 * @module The values a statement looked at, for tracers explaining why it was undefined (`--explain`,
 * failing tests). Off the hot path: only computed when a tracer asks. Evaluator layer.
 */
import type { Operand, Stmt } from '../ir/ir.js';
import type { Value } from '../value/index.js';
import type { Program } from './program.js';

/** Equal: a, b; Dot: source, key; Call: its arguments (without input/data for plan functions); Is*: source. */
export function stmtOperands(
  s: Stmt,
  op: (o: Operand) => Value | undefined,
  frame: readonly (Value | undefined)[],
  program: Program,
): (Value | undefined)[] {
  switch (s.type) {
    case 'EqualStmt':
    case 'NotEqualStmt':
      return [op(s.stmt.a), op(s.stmt.b)];
    case 'DotStmt':
      return [op(s.stmt.source), op(s.stmt.key)];
    case 'CallStmt': {
      const args = (s.stmt.args ?? []).map(op);
      // Plan functions take (input, data, …): the documents themselves are noise in an explanation.
      return program.funcs.has(s.stmt.func) ? args.slice(2) : args;
    }
    case 'IsDefinedStmt':
    case 'IsUndefinedStmt':
      return [frame[s.stmt.source]];
    case 'IsArrayStmt':
    case 'IsObjectStmt':
    case 'IsSetStmt':
    case 'LenStmt':
      return [op(s.stmt.source)];
    default:
      return [];
  }
}
