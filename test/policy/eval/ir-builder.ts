/**
 * Helpers that build small IR plan documents for the evaluator's tests (positions fixed at test.rego:1:1).
 */
import type { Block, Func, Operand, Policy, Stmt } from '../../../policy/ir/ir.js';

export const L = (value: number): Operand => ({ type: 'local', value });
export const S = (value: number): Operand => ({ type: 'string_index', value });
export const B = (value: boolean): Operand => ({ type: 'bool', value });

/** A statement with a position (row defaults to 1). */
export function st(type: Stmt['type'], body: Record<string, unknown>, row = 1): Stmt {
  return { type, stmt: { ...body, file: 0, row, col: 1 } } as unknown as Stmt;
}

export const blk = (...stmts: Stmt[]): Block => ({ stmts });

/** Statements that add `{x: local}` to the result set (uses locals 90 and 91). */
export function emit(local: number): Stmt[] {
  return [
    st('MakeObjectStmt', { target: 90 }),
    st('ObjectInsertStmt', { object: 90, key: S(0), value: L(local) }),
    st('ResultSetAddStmt', { value: 90 }),
  ];
}

/** A plan document; string 0 is always "x" (the binding name). */
export function doc(strings: string[], blocks: Block[], funcs: Func[] = [], name = 'eval'): Policy {
  return {
    static: { strings: ['x', ...strings].map((value) => ({ value })), files: [{ value: 'test.rego' }] },
    plans: { plans: [{ name, blocks }] },
    funcs: { funcs },
  };
}
