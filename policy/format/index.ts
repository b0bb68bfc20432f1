/**
 * @module Public API of the Rego formatter.
 */
import { parseModule, type RegoError } from '../ast/index.js';
import { formatModule } from './format.js';

export { formatModule } from './format.js';

/** Parse and format one file; parse errors come back instead of output. */
export function formatSource(
  path: string,
  text: string,
  opts: { v0Compatible?: boolean } = {},
): { ok: true; formatted: string } | { ok: false; errors: RegoError[] } {
  const r = parseModule(path, text, opts);
  if (!r.module) return { ok: false, errors: r.errors };
  return { ok: true, formatted: formatModule(r.module, text) };
}

// `generated` marks the placeholder `true` body of a rule written without one.
const SPELLING = new Set([
  'loc',
  'comments',
  'file',
  'raw',
  'assign',
  'hasBody',
  'implicitValue',
  'generated',
]);

/** The AST without positions and source spellings, for round-trip comparisons. */
export function astShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(astShape);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // These record spelling only: a raw string, `:=` or `=` in a head, a body or value left implicit.
      if (SPELLING.has(k)) continue;
      out[k] = astShape(v);
    }
    return out;
  }
  return value;
}
export { lineDiff } from './line-diff.js';
