/**
 * @module `json.filter`, `json.remove` and `json.patch` (RFC 6902 over Rego values, arrays shifting as the
 * spec says), with OPA's path forms: "/a/b" JSON pointers (~0, ~1 escapes) or arrays of segments.
 */
import { equal, ObjectValue, SetValue, type Value } from '../value/index.js';
import { operandError, typeError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { array, object } from './operands.js';

function parsePath(p: Value): Value[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    return p
      .replace(/^\/+/, '')
      .split('/')
      .map((seg) => seg.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  if (Array.isArray(p)) return [...p];
  const name = p === null ? 'null' : typeof p === 'object' ? p.kind : typeof p;
  throw typeError(
    `operand 2 must be one of {set, array} containing string paths or array of path segments but got ${name === 'number' ? 'number' : name}`,
  );
}

function jsonPaths(v: Value): Value[][] {
  if (Array.isArray(v)) return v.map(parsePath);
  if (v instanceof SetValue) return v.items().map(parsePath);
  throw operandError(2, v, 'set', 'array');
}

/** Paths as a tree of objects whose leaves are null (OPA's pathsToObject). */
function pathsToTree(paths: readonly Value[][]): ObjectValue {
  const root = new ObjectValue();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const child = node.get(path[i] as Value);
      if (child === undefined) {
        const next = new ObjectValue();
        node.set(path[i] as Value, next);
        node = next;
      } else if (child === null) {
        done = true;
      } else {
        node = child as ObjectValue;
      }
    }
    if (!done) node.set(path[path.length - 1] as Value, null);
  }
  return root;
}

/** Keep what the filter tree names (OPA's Object.Filter): null = everything below. */
function filterValue(v: Value, filter: Value): Value {
  if (filter === null) return v;
  const f = filter as ObjectValue;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const sub = f.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (v instanceof SetValue) {
    const out = new SetValue();
    for (const x of v.items()) {
      const sub = f.get(x);
      if (sub !== undefined) out.add(filterValue(x, sub));
    }
    return out;
  }
  if (v instanceof ObjectValue) {
    const out = new ObjectValue();
    for (const [k, x] of v) {
      const sub = f.get(k);
      if (sub !== undefined) out.set(k, filterValue(x, sub));
    }
    return out;
  }
  return v;
}

/** Drop what the tree names (leaves = null); arrays close the gaps. Undefined = removed. */
function removeValue(v: Value, tree: Value | undefined): Value | undefined {
  if (tree === undefined) return v;
  if (tree === null) return undefined;
  if (!(tree instanceof ObjectValue)) return v;
  if (v instanceof ObjectValue) {
    const out = new ObjectValue();
    for (const [k, x] of v) {
      const r = removeValue(x, tree.get(k));
      if (r !== undefined) out.set(k, r);
    }
    return out;
  }
  if (v instanceof SetValue) {
    const out = new SetValue();
    for (const x of v.items()) {
      const r = removeValue(x, tree.get(x));
      if (r !== undefined) out.add(r);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const r = removeValue(x, tree.get(String(i)));
      if (r !== undefined) out.push(r);
    });
    return out;
  }
  return v;
}

// --- json.patch ---

class PatchFailed extends Error {}

function index(seg: Value, length: number, forInsert: boolean): number {
  const n =
    typeof seg === 'number' ? seg : typeof seg === 'string' && /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : NaN;
  if (forInsert && seg === '-') return length;
  if (!Number.isInteger(n) || n < 0 || n > (forInsert ? length : length - 1))
    throw new PatchFailed('bad index');
  return n;
}

function getAt(doc: Value, path: readonly Value[]): Value {
  let cur = doc;
  for (const seg of path) {
    if (cur instanceof ObjectValue) {
      const next = cur.get(seg);
      if (next === undefined) throw new PatchFailed('missing');
      cur = next;
    } else if (Array.isArray(cur)) cur = cur[index(seg, cur.length, false)] as Value;
    else if (cur instanceof SetValue) {
      if (!cur.has(seg)) throw new PatchFailed('missing');
      cur = seg;
    } else throw new PatchFailed('not a container');
  }
  return cur;
}

/** A copy of `doc` with `fn` applied to the container at `path[0..-1]` and the last segment. */
function updateAt(doc: Value, path: readonly Value[], fn: (parent: Value, last: Value) => Value): Value {
  if (path.length === 1) return fn(doc, path[0] as Value);
  const [head, ...rest] = path as [Value, ...Value[]];
  if (doc instanceof ObjectValue) {
    const child = doc.get(head);
    if (child === undefined) throw new PatchFailed('missing');
    return doc.clone().set(head, updateAt(child, rest, fn));
  }
  if (Array.isArray(doc)) {
    const i = index(head, doc.length, false);
    const copy = [...doc];
    copy[i] = updateAt(doc[i] as Value, rest, fn);
    return copy;
  }
  if (doc instanceof SetValue) {
    if (!doc.has(head)) throw new PatchFailed('missing');
    const copy = doc.clone();
    copy.delete(head);
    copy.add(updateAt(head, rest, fn));
    return copy;
  }
  throw new PatchFailed('not a container');
}

function addAt(doc: Value, path: readonly Value[], value: Value): Value {
  if (path.length === 0) return value;
  return updateAt(doc, path, (parent, last) => {
    if (parent instanceof ObjectValue) return parent.clone().set(last, value);
    if (Array.isArray(parent)) {
      const copy = [...parent];
      copy.splice(index(last, parent.length, true), 0, value);
      return copy;
    }
    if (parent instanceof SetValue) {
      // A set member's path segment is the member itself.
      if (!equal(last, value)) throw new PatchFailed('set key and value differ');
      const copy = parent.clone();
      copy.add(value);
      return copy;
    }
    throw new PatchFailed('not a container');
  });
}

function removeAt(doc: Value, path: readonly Value[]): Value {
  if (path.length === 0) throw new PatchFailed('cannot remove the root');
  return updateAt(doc, path, (parent, last) => {
    if (parent instanceof ObjectValue) {
      if (!parent.has(last)) throw new PatchFailed('missing');
      const copy = parent.clone();
      copy.delete(last);
      return copy;
    }
    if (Array.isArray(parent)) {
      const copy = [...parent];
      copy.splice(index(last, parent.length, false), 1);
      return copy;
    }
    if (parent instanceof SetValue) {
      if (!parent.has(last)) throw new PatchFailed('missing');
      const copy = parent.clone();
      copy.delete(last);
      return copy;
    }
    throw new PatchFailed('not a container');
  });
}

function attr(op: ObjectValue, name: string): Value {
  const v = op.get(name);
  if (v === undefined) throw new PatchFailed(`missing '${name}' attribute`);
  return v;
}

/** Apply RFC 6902 operations; any failing operation makes the result undefined, as in OPA. */
function patch(args: readonly Value[]): Value | undefined {
  let doc = args[0] as Value;
  const ops = array(args, 1);
  try {
    for (const o of ops) {
      if (!(o instanceof ObjectValue)) throw new PatchFailed('not an object');
      const op = attr(o, 'op');
      const path = parsePath(attr(o, 'path'));
      switch (op) {
        case 'add':
          doc = addAt(doc, path, attr(o, 'value'));
          break;
        case 'remove':
          doc = removeAt(doc, path);
          break;
        case 'replace':
          doc = path.length === 0 ? attr(o, 'value') : addAt(removeAt(doc, path), path, attr(o, 'value'));
          break;
        case 'move': {
          const from = parsePath(attr(o, 'from'));
          const chunk = getAt(doc, from);
          doc = addAt(removeAt(doc, from), path, chunk);
          break;
        }
        case 'copy':
          doc = addAt(doc, path, getAt(doc, parsePath(attr(o, 'from'))));
          break;
        case 'test':
          if (!equal(getAt(doc, path), attr(o, 'value'))) throw new PatchFailed('test failed');
          break;
        default:
          throw new PatchFailed(`unrecognized op ${String(op)}`);
      }
    }
  } catch (err) {
    if (err instanceof PatchFailed) return undefined;
    throw err;
  }
  return doc;
}

export const jsonPathBuiltins: ImplTable = {
  'json.filter': (args) => {
    const o = object(args, 0);
    return filterValue(o, pathsToTree(jsonPaths(args[1] as Value)));
  },
  'json.remove': (args) => {
    const o = object(args, 0);
    return removeValue(o, pathsToTree(jsonPaths(args[1] as Value)));
  },
  'json.patch': patch,
};
