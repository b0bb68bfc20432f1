// @module Native arithmetic builtins: integers exact (i64 with overflow checks), others through f64.
// Runtime layer. Set difference shares `minus` with numbers, as in Rego.
import { num_as_i64, i64_out, num_to_f64 } from './number';
import { set_add, set_search } from './collections';
import { N_INT, T_NUMBER, T_SET, coll_len, num_float, num_get_int, num_int, num_repr, rt_set, set_elem, vtype } from './value';
import { builtin_error, type_error } from './types';

/** True (after reporting) when an operand is not a number. */
function bad2(fn: string, a: usize, b: usize): bool {
  if (vtype(a) != T_NUMBER) {
    type_error(fn, 1, 'number', a);
    return true;
  }
  if (vtype(b) != T_NUMBER) {
    type_error(fn, 2, 'number', b);
    return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline
function ints(a: usize, b: usize): bool {
  return num_repr(a) == N_INT && num_repr(b) == N_INT;
}

export function bi_plus(a: usize, b: usize): usize {
  if (bad2('plus', a, b)) return 0;
  if (ints(a, b)) {
    const x = num_get_int(a), y = num_get_int(b);
    const r = x + y;
    if (((x ^ r) & (y ^ r)) >= 0) return num_int(r);
  }
  return num_float(num_to_f64(a) + num_to_f64(b));
}

export function bi_minus(a: usize, b: usize): usize {
  if (vtype(a) == T_SET && vtype(b) == T_SET) {
    const out = rt_set();
    const n = coll_len(a);
    for (let i: u32 = 0; i < n; i++) {
      const e = set_elem(a, i);
      if (!set_search(b, e)) set_add(out, e);
    }
    return out;
  }
  // OPA's order of checks: operand 1 is a number or a set, then operand 2 is of the same kind
  if (vtype(a) != T_NUMBER && vtype(a) != T_SET) return type_error('minus', 1, 'one of {number, set}', a);
  if (vtype(a) == T_SET) return type_error('minus', 2, 'set', b);
  if (vtype(b) != T_NUMBER) return type_error('minus', 2, 'number', b);
  if (ints(a, b)) {
    const x = num_get_int(a), y = num_get_int(b);
    const r = x - y;
    if (((x ^ y) & (x ^ r)) >= 0) return num_int(r);
  }
  return num_float(num_to_f64(a) - num_to_f64(b));
}

export function bi_mul(a: usize, b: usize): usize {
  if (bad2('mul', a, b)) return 0;
  if (ints(a, b)) {
    const x = num_get_int(a), y = num_get_int(b);
    if (x > -3037000499 && x < 3037000499 && y > -3037000499 && y < 3037000499) return num_int(x * y);
  }
  return num_float(num_to_f64(a) * num_to_f64(b));
}

export function bi_div(a: usize, b: usize): usize {
  if (bad2('div', a, b)) return 0;
  const y = num_to_f64(b);
  if (y == 0) return builtin_error('div', 'divide by zero');
  if (ints(a, b)) {
    const xi = num_get_int(a), yi = num_get_int(b);
    if (xi % yi == 0) return num_int(xi / yi);
  }
  return num_float(num_to_f64(a) / y);
}

export function bi_rem(a: usize, b: usize): usize {
  if (bad2('rem', a, b)) return 0;
  if (!num_as_i64(a)) return builtin_error('rem', 'modulo on floating-point number');
  const x = i64_out;
  if (!num_as_i64(b)) return builtin_error('rem', 'modulo on floating-point number');
  const y = i64_out;
  if (y == 0) return builtin_error('rem', 'modulo by zero');
  return num_int(x % y);
}

export function bi_abs(a: usize): usize {
  if (vtype(a) != T_NUMBER) return type_error('abs', 1, 'number', a);
  if (num_repr(a) == N_INT) {
    const x = num_get_int(a);
    return x < 0 ? num_int(-x) : a;
  }
  return num_float(Math.abs(num_to_f64(a)));
}

export function bi_round(a: usize): usize {
  if (vtype(a) != T_NUMBER) return type_error('round', 1, 'number', a);
  if (num_repr(a) == N_INT) return a;
  const f = num_to_f64(a);
  // Go's math.Round: half away from zero.
  return num_float(f < 0 ? -Math.floor(-f + 0.5) : Math.floor(f + 0.5));
}

export function bi_ceil(a: usize): usize {
  if (vtype(a) != T_NUMBER) return type_error('ceil', 1, 'number', a);
  return num_repr(a) == N_INT ? a : num_float(Math.ceil(num_to_f64(a)));
}

export function bi_floor(a: usize): usize {
  if (vtype(a) != T_NUMBER) return type_error('floor', 1, 'number', a);
  return num_repr(a) == N_INT ? a : num_float(Math.floor(num_to_f64(a)));
}
