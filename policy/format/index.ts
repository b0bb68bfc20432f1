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

/** The AST without positions and source spellings, for round-trip comparisons. */
export function astShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(astShape);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // `raw` and `assign` record spelling only (a raw string; `:=` or `=` in a rule head).
      if (k === 'loc' || k === 'comments' || k === 'file' || k === 'raw' || k === 'assign') continue;
      out[k] = astShape(v);
    }
    return out;
  }
  return value;
}
export { lineDiff } from './line-diff.js';
