// @module Type names and type errors for builtins (abort with OPA's eval_type_error wording). Runtime layer.
import { abort_begin, abort_end, abort_int, abort_str } from './abort';
import { T_ARRAY, T_BOOLEAN, T_NULL, T_NUMBER, T_OBJECT, T_SET, T_STRING, str_lit, vtype } from './value';

export function type_name_of(v: usize): string {
  switch (vtype(v)) {
    case T_NULL: return 'null';
    case T_BOOLEAN: return 'boolean';
    case T_NUMBER: return 'number';
    case T_STRING: return 'string';
    case T_ARRAY: return 'array';
    case T_OBJECT: return 'object';
    case T_SET: return 'set';
  }
  return 'undefined';
}

// Strict builtin errors (OPA's --strict-builtin-errors): set by the host through the exported global.
export let strict_builtin_errors: i32 = 0;

/**
 * A builtin's operand has the wrong type: undefined (0) normally, as OPA does outside strict mode; with
 * strict builtin errors, abort with `eval_type_error: <fn>: operand <n> must be <want> but got <type>`.
 */
export function type_error(fn: string, n: i32, want: string, v: usize): usize {
  if (strict_builtin_errors == 0) return 0;
  abort_begin();
  abort_str('eval_type_error: ');
  abort_str(fn);
  abort_str(': operand ');
  abort_int(n);
  abort_str(' must be ');
  abort_str(want);
  abort_str(' but got ');
  abort_str(type_name_of(v));
  abort_end();
  return 0;
}

/** Any other builtin error (`<fn>: <reason>`): undefined normally, an abort in strict mode. */
export function builtin_error(fn: string, reason: string): usize {
  if (strict_builtin_errors == 0) return 0;
  abort_begin();
  abort_str('eval_builtin_error: ');
  abort_str(fn);
  abort_str(': ');
  abort_str(reason);
  abort_end();
  return 0;
}

export function bi_type_name(v: usize): usize {
  return str_lit(type_name_of(v));
}
