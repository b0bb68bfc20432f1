/**
 * @module Graph builtins: `walk` (every [path, value] pair of a document), `graph.reachable` and
 * `graph.reachable_paths` over adjacency objects (neighbours as arrays or sets).
 */
import { ObjectValue, SetValue, type Value } from '../value/index.js';
import { operandError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { object } from './operands.js';

/**
 * All [path, value] pairs of a document in pre-order (the root, path [], first; objects by sorted key), as
 * OPA's walk visits them. (OPA's `walk(x, [_, v])` fast path reuses one array across iterations, so an
 * array comprehension over it can observe a different order; that aliasing is not reproduced.)
 */
function walk(args: readonly Value[]): Value {
  const out: Value[] = [];
  const visit = (path: Value[], v: Value): void => {
    out.push([path, v]);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit([...path, i], v[i] as Value);
    } else if (v instanceof ObjectValue) for (const [k, x] of v) visit([...path, k], x);
    else if (v instanceof SetValue) for (const x of v.items()) visit([...path, x], x);
  };
  visit([], args[0] as Value);
  return out;
}

/** Neighbours of a node: an array or set of vertices; anything else (or a missing node) has none. */
function neighbours(graph: ObjectValue, node: Value): readonly Value[] {
  const edges = graph.get(node);
  if (Array.isArray(edges)) return edges;
  if (edges instanceof SetValue) return edges.items();
  return [];
}

function initialNodes(v: Value): readonly Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return v.items();
  throw operandError(2, v, 'set', 'array');
}

function checkGraph(graph: ObjectValue): void {
  for (const [, edges] of graph) {
    if (edges !== null && !Array.isArray(edges) && !(edges instanceof SetValue)) {
      throw operandError(1, edges, 'set', 'array');
    }
  }
}

function reachable(args: readonly Value[]): Value {
  const graph = object(args, 0);
  checkGraph(graph);
  const out = new SetValue();
  const queue = [...initialNodes(args[1] as Value)];
  while (queue.length > 0) {
    const node = queue.shift() as Value;
    if (out.has(node) || !graph.has(node)) continue;
    out.add(node);
    queue.push(...neighbours(graph, node));
  }
  return out;
}

/**
 * Paths from each initial node, as OPA builds them: a path ends at a node without edges, before a neighbour
 * that is not in the graph, or at a neighbour already visited (each such neighbour commits the path). The
 * visited set is shared by the whole walk from one initial edge, as OPA's evaluation behaves (so a node
 * reached on one branch stops the others).
 */
function reachablePaths(args: readonly Value[]): Value {
  const graph = object(args, 0);
  checkGraph(graph);
  const out = new SetValue();
  const build = (node: Value, path: Value[], reached: SetValue): void => {
    if (!graph.has(node)) {
      out.add(path);
      return;
    }
    const here = [...path, node];
    const edges = neighbours(graph, node);
    if (edges.length === 0) {
      out.add(here);
      return;
    }
    reached.add(node);
    for (const next of edges) {
      if (reached.has(next)) out.add(here);
      else build(next, here, reached);
    }
  };
  for (const start of initialNodes(args[1] as Value)) {
    if (!graph.has(start)) continue;
    const edges = neighbours(graph, start);
    if (edges.length === 0) out.add([start]);
    for (const next of edges) build(next, [start], SetValue.from([start]));
  }
  return out;
}

export const graphBuiltins: ImplTable = {
  walk,
  'graph.reachable': reachable,
  'graph.reachable_paths': reachablePaths,
};
