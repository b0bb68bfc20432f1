/**
 * @module GraphQL documents as OPA returns them: graphql-js's AST rewritten into the JSON shape of
 * vektah/gqlparser's Go structs, with OPA's pruning (no `Position`, no nulls, no empty lists or objects).
 */
import {
  type ArgumentNode,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type FragmentDefinitionNode,
  type InputValueDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type StringValueNode,
  type TypeNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';

/** A JSON value as gqlparser's structs marshal (before pruning). */
export type GqlJson = string | number | boolean | null | GqlJson[] | { [k: string]: GqlJson };

/** gqlparser's ast.ValueKind numbering. */
export const VALUE_KIND = {
  Variable: 0,
  Int: 1,
  Float: 2,
  String: 3,
  Block: 4,
  Boolean: 5,
  Null: 6,
  Enum: 7,
  List: 8,
  Object: 9,
} as const;

const DEF_KIND: Readonly<Record<string, string>> = {
  [Kind.SCALAR_TYPE_DEFINITION]: 'SCALAR',
  [Kind.SCALAR_TYPE_EXTENSION]: 'SCALAR',
  [Kind.OBJECT_TYPE_DEFINITION]: 'OBJECT',
  [Kind.OBJECT_TYPE_EXTENSION]: 'OBJECT',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'INTERFACE',
  [Kind.INTERFACE_TYPE_EXTENSION]: 'INTERFACE',
  [Kind.UNION_TYPE_DEFINITION]: 'UNION',
  [Kind.UNION_TYPE_EXTENSION]: 'UNION',
  [Kind.ENUM_TYPE_DEFINITION]: 'ENUM',
  [Kind.ENUM_TYPE_EXTENSION]: 'ENUM',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'INPUT_OBJECT',
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'INPUT_OBJECT',
};

function list<T>(xs: readonly T[] | undefined, f: (x: T) => GqlJson): GqlJson[] {
  return (xs ?? []).map(f);
}

function description(d: StringValueNode | undefined): string {
  return d?.value ?? '';
}

export function valueJson(v: ValueNode): GqlJson {
  const base = (kind: number, raw: string, children: GqlJson[] = []): GqlJson => ({
    Raw: raw,
    Children: children,
    Kind: kind,
    ExpectedTypeHasDefault: false,
  });
  switch (v.kind) {
    case Kind.VARIABLE:
      return base(VALUE_KIND.Variable, v.name.value);
    case Kind.INT:
      return base(VALUE_KIND.Int, v.value);
    case Kind.FLOAT:
      return base(VALUE_KIND.Float, v.value);
    case Kind.STRING:
      return base(v.block === true ? VALUE_KIND.Block : VALUE_KIND.String, v.value);
    case Kind.BOOLEAN:
      return base(VALUE_KIND.Boolean, String(v.value));
    case Kind.NULL:
      return base(VALUE_KIND.Null, 'null');
    case Kind.ENUM:
      return base(VALUE_KIND.Enum, v.value);
    case Kind.LIST:
      return base(
        VALUE_KIND.List,
        '',
        v.values.map((x) => ({ Name: '', Value: valueJson(x) })),
      );
    case Kind.OBJECT:
      return base(
        VALUE_KIND.Object,
        '',
        v.fields.map((f) => ({ Name: f.name.value, Value: valueJson(f.value) })),
      );
  }
}

export function typeJson(t: TypeNode): GqlJson {
  switch (t.kind) {
    case Kind.NAMED_TYPE:
      return { NamedType: t.name.value, NonNull: false };
    case Kind.LIST_TYPE:
      return { NamedType: '', Elem: typeJson(t.type), NonNull: false };
    case Kind.NON_NULL_TYPE: {
      const inner = typeJson(t.type) as Record<string, GqlJson>;
      return { ...inner, NonNull: true };
    }
  }
}

const argumentJson = (a: ArgumentNode): GqlJson => ({ Name: a.name.value, Value: valueJson(a.value) });

const directiveJson = (d: DirectiveNode | ConstDirectiveNode): GqlJson => ({
  Name: d.name.value,
  Arguments: list(d.arguments, argumentJson),
  Location: '',
});

function selectionJson(s: SelectionNode): GqlJson {
  switch (s.kind) {
    case Kind.FIELD:
      return {
        Alias: s.alias?.value ?? s.name.value,
        Name: s.name.value,
        Arguments: list(s.arguments, argumentJson),
        Directives: list(s.directives, directiveJson),
        SelectionSet: list(s.selectionSet?.selections, selectionJson),
      };
    case Kind.FRAGMENT_SPREAD:
      return { Name: s.name.value, Directives: list(s.directives, directiveJson) };
    case Kind.INLINE_FRAGMENT:
      return {
        TypeCondition: s.typeCondition?.name.value ?? '',
        Directives: list(s.directives, directiveJson),
        SelectionSet: list(s.selectionSet.selections, selectionJson),
      };
  }
}

const variableJson = (v: VariableDefinitionNode): GqlJson => ({
  Variable: v.variable.name.value,
  Type: typeJson(v.type),
  DefaultValue: v.defaultValue === undefined ? null : valueJson(v.defaultValue),
  Directives: list(v.directives, directiveJson),
  Used: false,
});

const operationJson = (o: OperationDefinitionNode): GqlJson => ({
  Operation: o.operation,
  Name: o.name?.value ?? '',
  VariableDefinitions: list(o.variableDefinitions, variableJson),
  Directives: list(o.directives, directiveJson),
  SelectionSet: list(o.selectionSet.selections, selectionJson),
});

const fragmentJson = (f: FragmentDefinitionNode): GqlJson => ({
  Name: f.name.value,
  VariableDefinition: list(f.variableDefinitions, variableJson),
  TypeCondition: f.typeCondition.name.value,
  Directives: list(f.directives, directiveJson),
  SelectionSet: list(f.selectionSet.selections, selectionJson),
});

/** A query document (only executable definitions; the parser front checks that). */
export function queryDocumentJson(doc: DocumentNode): GqlJson {
  const ops: GqlJson[] = [];
  const frags: GqlJson[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) ops.push(operationJson(d));
    else if (d.kind === Kind.FRAGMENT_DEFINITION) frags.push(fragmentJson(d));
  }
  return prune({ Operations: ops, Fragments: frags }) ?? {};
}

const inputValueJson = (a: InputValueDefinitionNode): GqlJson => ({
  Description: description(a.description),
  Name: a.name.value,
  DefaultValue: a.defaultValue === undefined ? null : valueJson(a.defaultValue),
  Type: typeJson(a.type),
  Directives: list(a.directives, directiveJson),
});

const fieldDefJson = (f: FieldDefinitionNode): GqlJson => ({
  Description: description(f.description),
  Name: f.name.value,
  Arguments: list(f.arguments, inputValueJson),
  Type: typeJson(f.type),
  Directives: list(f.directives, directiveJson),
});

function typeDefJson(d: DefinitionNode): GqlJson {
  const n = d as unknown as {
    kind: string;
    description?: StringValueNode;
    name: { value: string };
    directives?: readonly ConstDirectiveNode[];
    interfaces?: readonly { name: { value: string } }[];
    fields?: readonly (FieldDefinitionNode | InputValueDefinitionNode)[];
    types?: readonly { name: { value: string } }[];
    values?: readonly {
      description?: StringValueNode;
      name: { value: string };
      directives?: readonly ConstDirectiveNode[];
    }[];
  };
  return {
    Kind: DEF_KIND[n.kind] ?? '',
    Description: description(n.description),
    Name: n.name.value,
    Directives: list(n.directives, directiveJson),
    Interfaces: list(n.interfaces, (i) => i.name.value),
    Fields: list(n.fields, (f) => (f.kind === Kind.FIELD_DEFINITION ? fieldDefJson(f) : inputValueJson(f))),
    Types: list(n.types, (t) => t.name.value),
    EnumValues: list(n.values, (v) => ({
      Description: description(v.description),
      Name: v.name.value,
      Directives: list(v.directives, directiveJson),
    })),
    BuiltIn: false,
  };
}

/** A schema document: schema definitions/extensions, directive definitions, type definitions/extensions. */
export function schemaDocumentJson(doc: DocumentNode): GqlJson {
  const out: Record<string, GqlJson[]> = {
    Schema: [],
    SchemaExtension: [],
    Directives: [],
    Definitions: [],
    Extensions: [],
  };
  for (const d of doc.definitions) {
    switch (d.kind) {
      case Kind.SCHEMA_DEFINITION:
      case Kind.SCHEMA_EXTENSION:
        (d.kind === Kind.SCHEMA_DEFINITION ? out.Schema : out.SchemaExtension)?.push({
          Description: d.kind === Kind.SCHEMA_DEFINITION ? description(d.description) : '',
          Directives: list(d.directives, directiveJson),
          OperationTypes: list(d.operationTypes, (o) => ({
            Operation: o.operation,
            Type: o.type.name.value,
          })),
        });
        break;
      case Kind.DIRECTIVE_DEFINITION:
        out.Directives?.push({
          Description: description(d.description),
          Name: d.name.value,
          Arguments: list(d.arguments, inputValueJson),
          Locations: d.locations.map((l) => l.value),
          IsRepeatable: d.repeatable,
        });
        break;
      default:
        if (d.kind.endsWith('Extension')) out.Extensions?.push(typeDefJson(d));
        else out.Definitions?.push(typeDefJson(d));
    }
  }
  return prune(out) ?? {};
}

/** OPA's pruning: drop nulls, and lists/objects that are empty once pruned. */
export function prune(v: GqlJson): GqlJson | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    const out = v.map(prune).filter((x): x is GqlJson => x !== undefined);
    return out.length === 0 ? undefined : out;
  }
  if (typeof v === 'object') {
    const out: Record<string, GqlJson> = {};
    let n = 0;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Position') continue;
      const p = prune(x);
      if (p !== undefined) {
        out[k] = p;
        n++;
      }
    }
    return n === 0 ? undefined : out;
  }
  return v;
}
