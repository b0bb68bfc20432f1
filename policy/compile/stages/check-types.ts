/**
 * @module Compile stage helper: builtin argument type checks OPA's type checker reports at compile time
 * (rego_type_error `<name>: invalid argument(s)`). Only argument types known statically — literals,
 * composites, comprehensions, template strings and results of builtins with a fixed result type — are
 * checked, so a policy OPA accepts is never rejected here.
 */
import type { Term } from '../../ast/index.js';
import type { BuiltinInfo } from '../builtin-info.js';
import { builtinInfo } from '../builtin-info.js';
import { opName } from './safety.js';

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'set' | 'object';
type DeclType = Readonly<Record<string, unknown>> & { type?: string };

const KINDS = new Set<string>(['null', 'boolean', 'number', 'string', 'array', 'set', 'object']);

/** The kind of value a term certainly evaluates to, or undefined when only evaluation can tell. */
export function staticKind(t: Term): Kind | undefined {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return t.type;
    case 'array':
    case 'arraycomp':
      return 'array';
    case 'set':
    case 'setcomp':
      return 'set';
    case 'object':
    case 'objectcomp':
      return 'object';
    case 'template':
      return 'string';
    case 'call': {
      const result = builtinInfo(opName(t.op))?.decl?.result as DeclType | undefined;
      return result?.type && KINDS.has(result.type) ? (result.type as Kind) : undefined;
    }
    default:
      return undefined;
  }
}

function accepts(decl: DeclType | undefined, kind: Kind): boolean {
  if (!decl?.type) return true;
  if (decl.type === 'any') {
    const of = decl.of as DeclType[] | undefined;
    return !of || of.length === 0 || of.some((d) => accepts(d, kind));
  }
  if (!KINDS.has(decl.type)) return true;
  return decl.type === kind;
}

/** OPA's rendering of a type: `string`, `array[any]`, `object[string: any]`, `any<number, string>`. */
export function renderType(d: DeclType | undefined): string {
  if (!d?.type) return 'any';
  switch (d.type) {
    case 'any': {
      const of = d.of as DeclType[] | undefined;
      return of && of.length > 0 ? `any<${of.map(renderType).join(', ')}>` : 'any';
    }
    case 'array': {
      const st = d.static as DeclType[] | undefined;
      if (st) return `array<${st.map(renderType).join(', ')}>`;
      return `array[${renderType(d.dynamic as DeclType)}]`;
    }
    case 'set':
      return `set[${renderType(d.of as DeclType)}]`;
    case 'object': {
      const dyn = d.dynamic as { key: DeclType; value: DeclType } | undefined;
      const st = d.static as { key: string; value: DeclType }[] | undefined;
      if (st && !dyn) return `object<${st.map((f) => `${f.key}: ${renderType(f.value)}`).join(', ')}>`;
      return dyn ? `object[${renderType(dyn.key)}: ${renderType(dyn.value)}]` : 'object';
    }
    default:
      return d.type;
  }
}

/** The message for a call whose statically known argument kinds do not fit the declaration, if any. */
export function argumentTypeError(info: BuiltinInfo, args: readonly Term[]): string | undefined {
  const declArgs = (info.decl?.args as DeclType[] | undefined) ?? [];
  const variadic = info.decl?.variadic as DeclType | undefined;
  const kinds = args.map(staticKind);
  let bad = false;
  kinds.forEach((k, i) => {
    if (k === undefined) return;
    const d = i < declArgs.length ? declArgs[i] : variadic;
    if (i >= declArgs.length && !variadic) return; // the output argument
    if (!accepts(d, k)) bad = true;
  });
  if (!bad) return undefined;
  const inputs = kinds.slice(0, variadic ? kinds.length : declArgs.length);
  const have = inputs.map((k) =>
    k === undefined
      ? 'any'
      : k === 'array'
        ? 'array[any]'
        : k === 'set'
          ? 'set[any]'
          : k === 'object'
            ? 'object[any: any]'
            : k,
  );
  const want = declArgs.map((d) =>
    typeof d.name === 'string' ? `${d.name}: ${renderType(d)}` : renderType(d),
  );
  if (variadic) want.push(`${renderType(variadic)}...`);
  return `${info.name}: invalid argument(s)\n\thave: (${have.join(', ')})\n\twant: (${want.join(', ')})`;
}
