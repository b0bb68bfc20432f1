// @module Native type-test builtins (is_*). Runtime layer.
import { T_ARRAY, T_BOOLEAN, T_NULL, T_NUMBER, T_OBJECT, T_SET, T_STRING, V_FALSE, V_TRUE, vtype } from './value';

// is_* answer false for other types (never undefined), as in topdown.
// @ts-ignore: decorator
@inline
function is(v: usize, t: u8): usize { return vtype(v) == t ? V_TRUE : V_FALSE; }

export function bi_is_number(v: usize): usize { return is(v, T_NUMBER); }
export function bi_is_string(v: usize): usize { return is(v, T_STRING); }
export function bi_is_boolean(v: usize): usize { return is(v, T_BOOLEAN); }
export function bi_is_array(v: usize): usize { return is(v, T_ARRAY); }
export function bi_is_set(v: usize): usize { return is(v, T_SET); }
export function bi_is_object(v: usize): usize { return is(v, T_OBJECT); }
export function bi_is_null(v: usize): usize { return is(v, T_NULL); }
