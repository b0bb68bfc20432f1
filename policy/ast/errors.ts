/**
 * @module Rego diagnostics: OPA's error codes with file:row:col, shared by the parser and compiler.
 * AST layer (the compiler re-exports these as part of its contract).
 */

/** OPA's compile-time error codes. */
export type RegoErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_unsafe_var_error'
  | 'rego_recursion_error'
  // The formatter's own: a conversion whose output would not parse back (OPA's FormatErr).
  | 'rego_format_error';

/** One diagnostic. `location` is absent only for errors that concern no single position. */
export interface RegoError {
  code: RegoErrorCode;
  message: string;
  location?: { file: string; row: number; col: number };
}

/** Sort errors by file, row, col (OPA reports them in source order) and drop exact duplicates. */
export function sortErrors(errors: readonly RegoError[]): RegoError[] {
  const seen = new Set<string>();
  const out: RegoError[] = [];
  for (const e of errors) {
    const key = `${e.code}|${e.message}|${e.location?.file}|${e.location?.row}|${e.location?.col}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.location?.row ?? 0) - (b.location?.row ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0);
  });
}

/** `file:row:col: code: message`, the one-line form `policy check` prints. */
export function formatRegoError(e: RegoError): string {
  const where = e.location ? `${e.location.file}:${e.location.row}:${e.location.col}: ` : '';
  return `${where}${e.code}: ${e.message}`;
}
