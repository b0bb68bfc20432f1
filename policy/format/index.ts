/**
 * @module Public API of the Rego formatter.
 */
import { parseModule, type RegoError } from '../ast/index.js';
import { regoV1Violations } from '../compile/index.js';
import { formatModule } from './format.js';
import { asRegoV1 } from './v0-to-v1.js';

export { formatModule } from './format.js';

export interface FormatOptions {
  /** Parse Rego v0 (OPA 0.x syntax) and print Rego v0. */
  readonly v0Compatible?: boolean;
  /**
   * `opa fmt --v0-v1`: parse Rego v0 and print Rego v1 with `import rego.v1`, which OPA 0.x and 1.x both
   * read. What v1 forbids (deprecated builtins, input/data shadowing, …) is an error instead of output.
   */
  readonly v0ToV1?: boolean;
}

type FormatResult = { ok: true; formatted: string } | { ok: false; errors: RegoError[] };

/** Parse and format one file; parse errors come back instead of output. */
export function formatSource(path: string, text: string, opts: FormatOptions = {}): FormatResult {
  const r = parseModule(path, text, { v0Compatible: (opts.v0Compatible ?? false) || (opts.v0ToV1 ?? false) });
  if (!r.module) return { ok: false, errors: r.errors };
  if (!opts.v0ToV1) return { ok: true, formatted: formatModule(r.module, text) };
  const violations = regoV1Violations(r.module);
  if (violations.length > 0) return { ok: false, errors: violations };
  const formatted = formatModule(asRegoV1(r.module), text);
  // As opa fmt's --check-result: a conversion that does not parse back is refused, not written.
  const back = parseModule(path, formatted, { v0Compatible: true });
  if (!back.module?.regoV1)
    return {
      ok: false,
      errors: [
        {
          code: 'rego_format_error',
          message: `formatted as Rego v1, but the result does not parse back: ${back.errors[0]?.message ?? 'import rego.v1 missing'}`,
          location: { file: path, row: 1, col: 1 },
        },
      ],
    };
  return { ok: true, formatted };
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
