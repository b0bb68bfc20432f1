/**
 * @module The parser behind the `rego.parse_module` builtin: Rego text → OPA's AST JSON as a Rego value,
 * or OPA's parse errors as a builtin error. Compile layer: the front end hands it to the evaluator
 * (`EvaluateOptions.parseModule`), which cannot import the parser itself.
 */
import { type Json, NumberLiteral, parseModuleToOpaJson, type RegoError } from '../ast/index.js';
import { BuiltinError } from '../builtins/index.js';
import { numberFromLiteral, ObjectValue, type Value } from '../value/index.js';

/** OPA's `ast.Errors` text: `1 error occurred: file:row: code: message` (several: one per line). */
function opaErrorsText(errors: readonly RegoError[]): string {
  const lines = errors.map((e) => {
    const where = e.location ? `${e.location.file}:${e.location.row}: ` : '';
    return `${where}${e.code}: ${e.message}`;
  });
  if (lines.length === 1) return `1 error occurred: ${lines[0]}`;
  return `${lines.length} errors occurred:\n${lines.join('\n')}`;
}

function toValue(j: Json): Value {
  if (j === null || typeof j !== 'object') return j;
  // Number terms keep every digit of their literal, as OPA's json.Number does.
  if (j instanceof NumberLiteral) return numberFromLiteral(j.text);
  if (Array.isArray(j)) return j.map(toValue);
  const o = new ObjectValue();
  for (const [k, v] of Object.entries(j)) o.set(k, toValue(v));
  return o;
}

/**
 * A `rego.parse_module` implementation: parses `source` (named `filename` in error positions) and returns
 * OPA's AST JSON; a parse failure throws an `eval_builtin_error` carrying OPA's error text.
 */
export function regoParseModule(
  opts: { v0Compatible?: boolean } = {},
): (filename: string, source: string) => Value {
  return (filename, source) => {
    const r = parseModuleToOpaJson(filename, source, opts);
    if (!r.ok) throw new BuiltinError(opaErrorsText(r.errors));
    return toValue(r.json);
  };
}
