/**
 * @module The reverse of graphql-ast.ts: a gqlparser-shaped AST object (as `graphql.parse_query` and
 * `graphql.parse_schema` return, possibly built by a policy) back into a graphql-js document for validation.
 */
import { type DocumentNode, Kind, type TypeNode, type ValueNode } from 'graphql';
import { GqlFailure } from './graphql-parse.js';

type J = Record<string, unknown>;

function obj(x: unknown, what: string): J {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) {
    throw new GqlFailure(`json: cannot unmarshal ${what}: expected an object`);
  }
  return x as J;
}
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const s = (x: unknown): string => (typeof x === 'string' ? x : '');
const name = (x: unknown) => ({ kind: Kind.NAME, value: s(x) }) as const;

function value(x: unknown): ValueNode {
  const v = obj(x, 'Value');
  const raw = s(v.Raw);
  const children = arr(v.Children).map((c) => obj(c, 'ChildValue'));
  switch (v.Kind) {
    case 0:
      return { kind: Kind.VARIABLE, name: name(raw) };
    case 1:
      return { kind: Kind.INT, value: raw };
    case 2:
      return { kind: Kind.FLOAT, value: raw };
    case 3:
    case 4:
      return { kind: Kind.STRING, value: raw, block: v.Kind === 4 };
    case 5:
      return { kind: Kind.BOOLEAN, value: raw === 'true' };
    case 6:
      return { kind: Kind.NULL };
    case 7:
      return { kind: Kind.ENUM, value: raw };
    case 8:
      return { kind: Kind.LIST, values: children.map((c) => value(c.Value)) };
    case 9:
      return {
        kind: Kind.OBJECT,
        fields: children.map((c) => ({ kind: Kind.OBJECT_FIELD, name: name(c.Name), value: value(c.Value) })),
      };
    default:
      throw new GqlFailure(`unknown value kind ${String(v.Kind)}`);
  }
}

function type(x: unknown): TypeNode {
  const t = obj(x, 'Type');
  const inner: TypeNode =
    t.Elem !== undefined && t.Elem !== null
      ? { kind: Kind.LIST_TYPE, type: type(t.Elem) }
      : { kind: Kind.NAMED_TYPE, name: name(t.NamedType) };
  return t.NonNull === true ? { kind: Kind.NON_NULL_TYPE, type: inner } : inner;
}

const args = (x: unknown) =>
  arr(x).map((a) => ({
    kind: Kind.ARGUMENT,
    name: name(obj(a, 'Argument').Name),
    value: value(obj(a, 'Argument').Value),
  }));
const directives = (x: unknown) =>
  arr(x).map((d) => ({
    kind: Kind.DIRECTIVE,
    name: name(obj(d, 'Directive').Name),
    arguments: args(obj(d, 'Directive').Arguments),
  }));
const optValue = (x: unknown) => (x === undefined || x === null ? undefined : value(x));

function selections(x: unknown): { kind: Kind.SELECTION_SET; selections: never[] } {
  const sels = arr(x).map((y) => {
    const f = obj(y, 'Selection');
    // gqlparser tells the three apart by their fields when unmarshalling: Alias → field, TypeCondition or a
    // selection set without a name → inline fragment, otherwise a fragment spread.
    if ('Alias' in f || ('Name' in f && 'SelectionSet' in f)) {
      const alias = s(f.Alias);
      return {
        kind: Kind.FIELD,
        alias: alias !== '' && alias !== s(f.Name) ? name(alias) : undefined,
        name: name(f.Name),
        arguments: args(f.Arguments),
        directives: directives(f.Directives),
        selectionSet: arr(f.SelectionSet).length > 0 ? selections(f.SelectionSet) : undefined,
      };
    }
    if ('TypeCondition' in f || 'SelectionSet' in f) {
      const tc = s(f.TypeCondition);
      return {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: tc === '' ? undefined : { kind: Kind.NAMED_TYPE, name: name(tc) },
        directives: directives(f.Directives),
        selectionSet: selections(f.SelectionSet),
      };
    }
    return { kind: Kind.FRAGMENT_SPREAD, name: name(f.Name), directives: directives(f.Directives) };
  });
  return { kind: Kind.SELECTION_SET, selections: sels as never[] };
}

const variables = (x: unknown) =>
  arr(x).map((y) => {
    const v = obj(y, 'VariableDefinition');
    return {
      kind: Kind.VARIABLE_DEFINITION,
      variable: { kind: Kind.VARIABLE, name: name(v.Variable) },
      type: type(v.Type),
      defaultValue: optValue(v.DefaultValue),
      directives: directives(v.Directives),
    };
  });

/** A query document from its AST object. */
export function queryFromJson(x: unknown): DocumentNode {
  const d = obj(x, 'QueryDocument');
  const ops = arr(d.Operations).map((y) => {
    const o = obj(y, 'OperationDefinition');
    const opName = s(o.Name);
    return {
      kind: Kind.OPERATION_DEFINITION,
      operation: s(o.Operation) || 'query',
      name: opName === '' ? undefined : name(opName),
      variableDefinitions: variables(o.VariableDefinitions),
      directives: directives(o.Directives),
      selectionSet: selections(o.SelectionSet),
    };
  });
  const frags = arr(d.Fragments).map((y) => {
    const f = obj(y, 'FragmentDefinition');
    return {
      kind: Kind.FRAGMENT_DEFINITION,
      name: name(f.Name),
      variableDefinitions: variables(f.VariableDefinition),
      typeCondition: { kind: Kind.NAMED_TYPE, name: name(f.TypeCondition) },
      directives: directives(f.Directives),
      selectionSet: selections(f.SelectionSet),
    };
  });
  return { kind: Kind.DOCUMENT, definitions: [...ops, ...frags] } as unknown as DocumentNode;
}

const DEF_KINDS: Readonly<Record<string, readonly [Kind, Kind]>> = {
  SCALAR: [Kind.SCALAR_TYPE_DEFINITION, Kind.SCALAR_TYPE_EXTENSION],
  OBJECT: [Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION],
  INTERFACE: [Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION],
  UNION: [Kind.UNION_TYPE_DEFINITION, Kind.UNION_TYPE_EXTENSION],
  ENUM: [Kind.ENUM_TYPE_DEFINITION, Kind.ENUM_TYPE_EXTENSION],
  INPUT_OBJECT: [Kind.INPUT_OBJECT_TYPE_DEFINITION, Kind.INPUT_OBJECT_TYPE_EXTENSION],
};

const desc = (x: unknown) => (s(x) === '' ? undefined : { kind: Kind.STRING, value: s(x) });

function inputValue(y: unknown) {
  const a = obj(y, 'ArgumentDefinition');
  return {
    kind: Kind.INPUT_VALUE_DEFINITION,
    description: desc(a.Description),
    name: name(a.Name),
    type: type(a.Type),
    defaultValue: optValue(a.DefaultValue),
    directives: directives(a.Directives),
  };
}

function typeDef(y: unknown, extension: boolean) {
  const d = obj(y, 'Definition');
  const kinds = DEF_KINDS[s(d.Kind)];
  if (kinds === undefined) throw new GqlFailure(`unknown definition kind ${JSON.stringify(d.Kind)}`);
  const input = d.Kind === 'INPUT_OBJECT';
  return {
    kind: kinds[extension ? 1 : 0],
    description: extension ? undefined : desc(d.Description),
    name: name(d.Name),
    directives: directives(d.Directives),
    interfaces: arr(d.Interfaces).map((i) => ({ kind: Kind.NAMED_TYPE, name: name(i) })),
    fields: arr(d.Fields).map((f) => {
      const fd = obj(f, 'FieldDefinition');
      if (input) return inputValue(fd);
      return {
        kind: Kind.FIELD_DEFINITION,
        description: desc(fd.Description),
        name: name(fd.Name),
        arguments: arr(fd.Arguments).map(inputValue),
        type: type(fd.Type),
        directives: directives(fd.Directives),
      };
    }),
    types: arr(d.Types).map((t) => ({ kind: Kind.NAMED_TYPE, name: name(t) })),
    values: arr(d.EnumValues).map((v) => {
      const e = obj(v, 'EnumValueDefinition');
      return {
        kind: Kind.ENUM_VALUE_DEFINITION,
        description: desc(e.Description),
        name: name(e.Name),
        directives: directives(e.Directives),
      };
    }),
  };
}

function schemaDef(y: unknown, extension: boolean) {
  const d = obj(y, 'SchemaDefinition');
  return {
    kind: extension ? Kind.SCHEMA_EXTENSION : Kind.SCHEMA_DEFINITION,
    description: extension ? undefined : desc(d.Description),
    directives: directives(d.Directives),
    operationTypes: arr(d.OperationTypes).map((o) => ({
      kind: Kind.OPERATION_TYPE_DEFINITION,
      operation: s(obj(o, 'OperationTypeDefinition').Operation),
      type: { kind: Kind.NAMED_TYPE, name: name(obj(o, 'OperationTypeDefinition').Type) },
    })),
  };
}

/** A schema document from its AST object. */
export function schemaFromJson(x: unknown): DocumentNode {
  const d = obj(x, 'SchemaDocument');
  const defs = [
    ...arr(d.Schema).map((y) => schemaDef(y, false)),
    ...arr(d.SchemaExtension).map((y) => schemaDef(y, true)),
    ...arr(d.Directives).map((y) => {
      const dd = obj(y, 'DirectiveDefinition');
      return {
        kind: Kind.DIRECTIVE_DEFINITION,
        description: desc(dd.Description),
        name: name(dd.Name),
        arguments: arr(dd.Arguments).map(inputValue),
        repeatable: dd.IsRepeatable === true,
        locations: arr(dd.Locations).map(name),
      };
    }),
    ...arr(d.Definitions).map((y) => typeDef(y, false)),
    ...arr(d.Extensions).map((y) => typeDef(y, true)),
  ];
  return { kind: Kind.DOCUMENT, definitions: defs } as unknown as DocumentNode;
}
