/**
 * @module The `with` keyword's document replacement: a copy of `input`/`data` with one path replaced,
 * sharing everything off the path. Evaluator layer.
 */
import { ObjectValue, type Value } from '../value/index.js';

/**
 * `doc` with `path` set to `value`. Objects along the path are shallow-copied; a missing or non-object
 * step becomes a new object (as OPA's Wasm upsert does), so the original document is never changed.
 */
export function upsert(doc: Value | undefined, path: readonly string[], value: Value): Value {
  if (path.length === 0) return value;
  const root = copyOrNew(doc);
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = copyOrNew(cur.get(key));
    cur.set(key, next);
    cur = next;
  }
  cur.set(path[path.length - 1] as string, value);
  return root;
}

function copyOrNew(v: Value | undefined): ObjectValue {
  return v instanceof ObjectValue ? v.clone() : new ObjectValue();
}

/**
 * Recursive merge for ObjectMergeStmt (base data `a` under a virtual document `b`): keys of both, values
 * merged where both are objects; where they conflict otherwise, `a` wins (OPA's Wasm opa_value_merge and
 * topdown agree: base data takes precedence on a conflicting leaf).
 */
export function mergeObjects(a: Value, b: Value): Value {
  if (!(a instanceof ObjectValue) || !(b instanceof ObjectValue)) return a;
  const out = new ObjectValue();
  const keys = a.keys();
  const values = a.values();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as Value;
    const av = values[i] as Value;
    const bv = b.get(k);
    out.set(k, bv === undefined ? av : mergeObjects(av, bv));
  }
  const bk = b.keys();
  const bvs = b.values();
  for (let i = 0; i < bk.length; i++) if (!a.has(bk[i] as Value)) out.set(bk[i] as Value, bvs[i] as Value);
  return out;
}
