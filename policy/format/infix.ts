/**
 * @module The infix operators the formatter prints as such, with their binding power. Formatter layer.
 */

/** Infix builtins: their symbol and binding power (higher binds tighter). */
export const INFIX: Readonly<Record<string, { sym: string; prec: number }>> = {
  'internal.member_2': { sym: 'in', prec: 1 },
  'internal.member_3': { sym: 'in', prec: 1 },
  equal: { sym: '==', prec: 2 },
  neq: { sym: '!=', prec: 2 },
  lt: { sym: '<', prec: 2 },
  lte: { sym: '<=', prec: 2 },
  gt: { sym: '>', prec: 2 },
  gte: { sym: '>=', prec: 2 },
  or: { sym: '|', prec: 3 },
  and: { sym: '&', prec: 4 },
  plus: { sym: '+', prec: 5 },
  minus: { sym: '-', prec: 5 },
  mul: { sym: '*', prec: 6 },
  div: { sym: '/', prec: 6 },
  rem: { sym: '%', prec: 6 },
};
