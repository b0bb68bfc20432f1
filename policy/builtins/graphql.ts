/**
 * @module GraphQL builtins: `graphql.parse graphql.parse_and_verify graphql.parse_query graphql.parse_schema
 * graphql.is_valid graphql.schema_is_valid`. graphql-js parses and validates; results and errors take
 * vektah/gqlparser's shapes and texts, which is what OPA returns.
 */
import type { DocumentNode } from 'graphql';
import { fromJS, ObjectValue, toJS, type Value } from '../value/index.js';
import { BuiltinError, operandError } from './builtin-error.js';
import { queryDocumentJson, schemaDocumentJson } from './graphql-ast.js';
import { queryFromJson, schemaFromJson } from './graphql-from-json.js';
import {
  asBuiltinError,
  buildSchema,
  GqlFailure,
  parseQuery,
  parseSchema,
  tooDeep,
  validateQuery,
} from './graphql-parse.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

type Side = 'query' | 'schema';

/** A query or schema operand: GraphQL text, or an AST object as these builtins return. */
function documentOf(v: Value, side: Side, position: number): DocumentNode {
  if (typeof v === 'string') return side === 'query' ? parseQuery(v) : parseSchema(v);
  if (v instanceof ObjectValue) {
    const js = toJS(v, 'number');
    return side === 'query' ? queryFromJson(js) : schemaFromJson(js);
  }
  throw operandError(position, v, 'string', 'object');
}

interface Verified {
  query: DocumentNode;
  schema: DocumentNode;
}

function verify(args: readonly Value[]): Verified {
  const query = documentOf(args[0] as Value, 'query', 1);
  const schema = documentOf(args[1] as Value, 'schema', 2);
  validateQuery(buildSchema(schema), query);
  return { query, schema };
}

const astValue = (doc: DocumentNode, side: Side): Value =>
  fromJS(side === 'query' ? queryDocumentJson(doc) : schemaDocumentJson(doc));

/** Runs `f`; a GraphQL failure (or a bad operand, for the boolean builtins) yields `fallback`. */
function orElse<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch (err) {
    if (tooDeep(err) instanceof GqlFailure || err instanceof BuiltinError) return fallback;
    throw err;
  }
}

function failing<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    return asBuiltinError(tooDeep(err));
  }
}

export const graphqlBuiltins: ImplTable = {
  'graphql.parse': (args) =>
    failing(() => {
      const { query, schema } = verify(args);
      return [astValue(query, 'query'), astValue(schema, 'schema')];
    }),
  'graphql.parse_and_verify': (args) =>
    orElse(
      () => {
        const { query, schema } = verify(args);
        return [true, astValue(query, 'query'), astValue(schema, 'schema')] as Value;
      },
      [false, new ObjectValue(), new ObjectValue()] as Value,
    ),
  'graphql.parse_query': (args) => failing(() => astValue(parseQuery(str(args, 0)), 'query')),
  'graphql.parse_schema': (args) => failing(() => astValue(parseSchema(str(args, 0)), 'schema')),
  'graphql.is_valid': (args) =>
    orElse(() => {
      verify(args);
      return true;
    }, false),
  'graphql.schema_is_valid': (args) =>
    orElse(() => {
      buildSchema(documentOf(args[0] as Value, 'schema', 1));
      return true;
    }, false),
};
