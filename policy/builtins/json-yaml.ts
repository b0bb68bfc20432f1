/**
 * @module JSON and YAML builtins: `json.marshal json.marshal_with_options json.unmarshal json.is_valid
 * yaml.marshal yaml.unmarshal yaml.is_valid`. JSON output follows Go's encoder; YAML is read with YAML 1.1
 * rules (`yes`/`no` are booleans), as go-yaml v2 behind OPA's sigs.k8s.io/yaml does.
 */
import { parseDocument, stringify } from 'yaml';
import { fromJS, ObjectValue, parseJson, toJS, type Value } from '../value/index.js';
import { BuiltinError, operandError, typeError } from './builtin-error.js';
import { goMarshal } from './go-json.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

function marshalWithOptions(args: readonly Value[]): Value {
  const x = args[0] as Value;
  const opts = args[1] as Value;
  if (!(opts instanceof ObjectValue)) throw operandError(2, opts, 'object');
  let indent = '\t';
  let prefix = '';
  let implicitPretty = false;
  let explicitPretty: boolean | undefined;
  for (const [k, v] of opts) {
    if (typeof k !== 'string') throw typeError(`operand 2 failed to stringify key ${JSON.stringify(k)}`);
    switch (k) {
      case 'prefix':
        if (typeof v !== 'string') throw typeError('operand 2 key "prefix" failed cast to string');
        prefix = v;
        implicitPretty = true;
        break;
      case 'indent':
        if (typeof v !== 'string') throw typeError('operand 2 key "indent" failed cast to string');
        indent = v;
        implicitPretty = true;
        break;
      case 'pretty':
        if (typeof v !== 'boolean') throw typeError('operand 2 key "pretty" failed cast to bool');
        explicitPretty = v;
        break;
      default:
        throw typeError(`operand 2 object contained unknown key ${JSON.stringify(k)}`);
    }
  }
  const pretty = explicitPretty ?? implicitPretty;
  // MarshalIndent does not prefix the first line; OPA adds it.
  return pretty ? prefix + goMarshal(x, { prefix, indent }) : goMarshal(x);
}

function unmarshalJson(args: readonly Value[]): Value {
  const s = str(args, 0);
  try {
    return parseJson(s);
  } catch (err) {
    throw new BuiltinError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function isValidJson(args: readonly Value[]): Value {
  if (typeof args[0] !== 'string') return false;
  try {
    parseJson(args[0]);
    return true;
  } catch {
    return false;
  }
}

/** A go-yaml style message: `yaml: line N: …`. */
function yamlError(doc: ReturnType<typeof parseDocument>): BuiltinError | undefined {
  const e = doc.errors[0];
  if (e === undefined) return undefined;
  const line = e.linePos?.[0].line ?? 1;
  const first = e.message.split(' at line ')[0] ?? e.message;
  let reason = first;
  if (/^Flow sequence must end with a \]/.test(first)) reason = "did not find expected ',' or ']'";
  else if (/^Flow map must end with a \}/.test(first)) reason = "did not find expected ',' or '}'";
  return new BuiltinError(`yaml: line ${line}: ${reason}`, { cause: e });
}

function parseYaml(s: string): Value {
  const doc = parseDocument(s, { version: '1.1', intAsBigInt: true, uniqueKeys: true, merge: true });
  const err = yamlError(doc);
  if (err !== undefined) throw err;
  const js = doc.toJS({ maxAliasCount: 10_000 }) as unknown;
  return fromJS(js === undefined ? null : js);
}

function unmarshalYaml(args: readonly Value[]): Value {
  const s = str(args, 0);
  try {
    return parseYaml(s);
  } catch (err) {
    if (err instanceof BuiltinError) throw err;
    throw new BuiltinError(`yaml: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function marshalYaml(args: readonly Value[]): Value {
  const js = toJS(args[0] as Value, 'bigint');
  // go-yaml v2 style: block sequences not indented under their key, YAML 1.1 scalars quoted when ambiguous.
  return stringify(js, { version: '1.1', indentSeq: false, lineWidth: 0 });
}

export const jsonYamlBuiltins: ImplTable = {
  'json.marshal': (args) => goMarshal(args[0] as Value),
  'json.marshal_with_options': marshalWithOptions,
  'json.unmarshal': unmarshalJson,
  'json.is_valid': isValidJson,
  'yaml.marshal': marshalYaml,
  'yaml.unmarshal': unmarshalYaml,
  'yaml.is_valid': (args) => {
    if (typeof args[0] !== 'string') return false;
    try {
      parseYaml(args[0]);
      return true;
    } catch {
      return false;
    }
  },
};
