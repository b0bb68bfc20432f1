/**
 * @module GraphQL builtins: gqlparser-shaped ASTs, gqlparser error texts, validation against a schema.
 */
import { test } from 'node:test';
import { call, runTable } from './harness.js';

const SCHEMA = `
  type Query { user(id: ID!): User }
  type User { id: ID! name: String }
`;

const userAst = {
  Operations: [
    {
      Name: 'Q',
      Operation: 'query',
      VariableDefinitions: [{ Variable: 'id', Type: { NamedType: 'ID', NonNull: true }, Used: false }],
      SelectionSet: [
        {
          Alias: 'user',
          Name: 'user',
          Arguments: [{ Name: 'id', Value: { Raw: 'id', Kind: 0, ExpectedTypeHasDefault: false } }],
          SelectionSet: [{ Alias: 'n', Name: 'name' }],
        },
      ],
    },
  ],
};
/** Nesting far past the JS stack: graphql-js's recursive descent overflows. */
const DEEP = `{ f(a: ${'['.repeat(100_000)}${']'.repeat(100_000)}) }`;
const QUERY = 'query Q($id: ID!) { user(id: $id) { n: name } }';

test('graphql.parse_query', () => {
  runTable('graphql.parse_query', [
    {
      note: 'operation with variable, argument and alias; nulls and positions pruned',
      args: [QUERY],
      want: userAst,
    },
    {
      note: 'list and object values keep gqlparser value kinds',
      args: ['{ f(a: [1, "s"], o: {k: RED}) }'],
      want: {
        Operations: [
          {
            Name: '',
            Operation: 'query',
            SelectionSet: [
              {
                Alias: 'f',
                Name: 'f',
                Arguments: [
                  {
                    Name: 'a',
                    Value: {
                      Raw: '',
                      Kind: 8,
                      ExpectedTypeHasDefault: false,
                      Children: [
                        { Name: '', Value: { Raw: '1', Kind: 1, ExpectedTypeHasDefault: false } },
                        { Name: '', Value: { Raw: 's', Kind: 3, ExpectedTypeHasDefault: false } },
                      ],
                    },
                  },
                  {
                    Name: 'o',
                    Value: {
                      Raw: '',
                      Kind: 9,
                      ExpectedTypeHasDefault: false,
                      Children: [
                        { Name: 'k', Value: { Raw: 'RED', Kind: 7, ExpectedTypeHasDefault: false } },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    },
    {
      note: 'syntax error in gqlparser wording with line:column',
      args: ['{'],
      error: {
        code: 'eval_builtin_error',
        message: 'graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:2',
      },
    },
    {
      note: 'a type definition is not a query',
      args: ['type A { b: C }'],
      error: {
        code: 'eval_builtin_error',
        message: 'graphql.parse_query: Unexpected Name "type" in GraphQL string at location 1:1',
      },
    },
    {
      note: 'a document too deep for the parser is a clean error',
      args: [DEEP],
      error: {
        code: 'eval_builtin_error',
        message: 'graphql.parse_query: GraphQL document is nested too deeply',
      },
    },
    {
      note: 'non-string operand',
      args: [1],
      error: {
        code: 'eval_type_error',
        message: 'graphql.parse_query: operand 1 must be string but got number',
      },
    },
  ]);
});

test('graphql.parse_schema', () => {
  runTable('graphql.parse_schema', [
    {
      note: 'definitions and extensions in gqlparser shape',
      args: ['"D" type A { b: [C!] } extend type A @x'],
      want: {
        Definitions: [
          {
            Kind: 'OBJECT',
            Name: 'A',
            Description: 'D',
            BuiltIn: false,
            Fields: [
              {
                Description: '',
                Name: 'b',
                Type: { NamedType: '', NonNull: false, Elem: { NamedType: 'C', NonNull: true } },
              },
            ],
          },
        ],
        Extensions: [
          {
            Kind: 'OBJECT',
            Name: 'A',
            Description: '',
            BuiltIn: false,
            Directives: [{ Name: 'x', Location: '' }],
          },
        ],
      },
    },
    {
      note: 'an empty field list is gqlparser\'s "expected at least one definition"',
      args: ['type Hello {}'],
      error: {
        code: 'eval_builtin_error',
        message:
          'graphql.parse_schema: expected at least one definition, found } in GraphQL string at location 1:13',
      },
    },
  ]);
});

test('graphql validation', () => {
  runTable('graphql.is_valid', [
    { note: 'valid query', args: [QUERY, SCHEMA], want: true },
    { note: 'unknown field', args: ['{ user(id: 1) { age } }', SCHEMA], want: false },
    { note: 'query as AST object', args: [userAst, SCHEMA], want: true },
    { note: 'wrong operand type is false, not an error', args: [1, SCHEMA], want: false },
    { note: 'a document too deep for the parser is invalid, not a crash', args: [DEEP, SCHEMA], want: false },
  ]);
  runTable('graphql.schema_is_valid', [
    { note: 'no query root is accepted, as gqlparser does', args: ['type A { b: Int }'], want: true },
    { note: 'extending an undefined type is accepted', args: ['extend type A { b: Int }'], want: true },
    { note: 'unknown field type', args: ['type A { b: Nope }'], want: false },
  ]);
  runTable('graphql.parse_and_verify', [
    { note: 'invalid query', args: ['{ nope }', SCHEMA], want: [false, {}, {}] },
  ]);
  runTable('graphql.parse', [
    {
      note: 'validation error from the query, first one only, trailing dot removed',
      args: ['{ user { id } }', SCHEMA],
      error: {
        code: 'eval_builtin_error',
        message:
          'graphql.parse: Field "user" argument "id" of type "ID!" is required, but it was not provided in GraphQL string at location 1:3',
      },
    },
  ]);
  const both = call('graphql.parse', [QUERY, SCHEMA]);
  if (both === undefined) throw new Error('graphql.parse returned undefined');
});
