// @module Native builtins over text: internal.template_string (Rego's `$"…{x}…"`) and json.is_valid.
// Runtime layer.
import { abort_begin, abort_end, abort_str } from './abort';
import { iter_len, iter_val } from './collections';
import { malloc } from './heap';
import { dump, dump_len_of, parse_text } from './json-text';
import {
  T_ARRAY, T_OBJECT, T_SET, T_STRING, V_FALSE, V_TRUE, coll_len, set_elem, str_len, str_new, str_ptr, vtype,
} from './value';

const UNDEF: string = '<undefined>';
const PARTS: usize = memory.data(8 * 64);

/** Render for templates: strings as-is, other values in Rego syntax. Returns ptr; length in rendered_len. */
let rendered_len: u32 = 0;
function render(v: usize): usize {
  if (vtype(v) == T_STRING) {
    rendered_len = str_len(v);
    return str_ptr(v);
  }
  const p = dump(v, true);
  rendered_len = dump_len_of(p);
  return p;
}

function fail(msg: string): usize {
  abort_begin();
  abort_str(msg);
  abort_end();
  return 0;
}

/**
 * `internal.template_string(parts)`: each part is a scalar, or a set of an expression's values (empty:
 * `<undefined>`; more than one: a conflict, as OPA reports it).
 */
export function bi_internal__template_string(parts: usize): usize {
  if (vtype(parts) != T_ARRAY) return fail('eval_internal_error: internal.template_string: illegal argument type');
  const n = iter_len(parts);
  const table = n <= 64 ? PARTS : malloc(<usize>n << 3);
  let total: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const x = iter_val(parts, i);
    const t = vtype(x);
    let p: usize;
    let l: u32;
    if (t == T_ARRAY || t == T_OBJECT) return fail('eval_internal_error: internal.template_string: illegal argument type');
    if (t == T_SET) {
      const k = coll_len(x);
      if (k > 1) return fail('eval_conflict_error: template-strings must not produce multiple outputs');
      if (k == 0) {
        p = changetype<usize>(UNDEF);
        l = 0xffffffff;
      } else {
        p = render(set_elem(x, 0));
        l = rendered_len;
      }
    } else {
      p = render(x);
      l = rendered_len;
    }
    store<u32>(table + (<usize>i << 3), <u32>p);
    store<u32>(table + (<usize>i << 3), l, 4);
    total += l == 0xffffffff ? <u32>UNDEF.length : l;
  }
  const out = malloc(total);
  let o: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const p = <usize>load<u32>(table + (<usize>i << 3));
    const l = load<u32>(table + (<usize>i << 3), 4);
    if (l == 0xffffffff) {
      for (let k = 0; k < UNDEF.length; k++) store<u8>(out + o++, <u8>UNDEF.charCodeAt(k));
    } else {
      memory.copy(out + o, p, l);
      o += l;
    }
  }
  return str_new(out, total);
}

/** `json.is_valid(x)`: x is a string holding one JSON value; false for non-strings. */
export function bi_json__is_valid(x: usize): usize {
  if (vtype(x) != T_STRING) return V_FALSE;
  return parse_text(str_ptr(x), str_len(x), false) != 0 ? V_TRUE : V_FALSE;
}
