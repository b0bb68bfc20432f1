/**
 * @module Parsing and validating GraphQL for the `graphql.*` builtins with graphql-js, reporting errors with
 * vektah/gqlparser's texts as OPA does (`<reason> in GraphQL string at location L:C`).
 */
import {
  buildASTSchema,
  type DefinitionNode,
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  Lexer,
  parse,
  Source,
  TokenKind,
  validate,
  validateSchema,
} from 'graphql';
import { BuiltinError } from './builtin-error.js';

/** A parse or validation failure, already in OPA's wording. */
export class GqlFailure extends Error {}

const PUNCT = /"(\.\.\.|[!$&()[\]{}|:=@])"/g;

/** graphql-js's `Syntax Error: Expected Name, found "}".` → gqlparser's `Expected Name, found }`. */
function syntaxReason(message: string): string {
  let m = message.replace(/^Syntax Error: /, '').replace(/\.$/, '');
  m = m.replace(PUNCT, '$1');
  // gqlparser's lexer reports any malformed token as <Invalid>; its parser sees `$` where a constant belongs.
  m = m.replace(
    /^(Unexpected character: |Invalid character |Unterminated string|Invalid number).*$/,
    'Unexpected <Invalid>',
  );
  m = m.replace(/^Unexpected variable ".*" in constant value$/, 'Unexpected $');
  return m;
}

function located(reason: string, line: number, column: number): GqlFailure {
  return new GqlFailure(`${reason} in GraphQL string at location ${line}:${column}`);
}

function fromGraphQLError(err: GraphQLError, reason: string): GqlFailure {
  const loc = err.locations?.[0] ?? { line: 0, column: 0 };
  return located(reason, loc.line, loc.column);
}

/** The last significant character before `pos` (skipping whitespace, commas and comments). */
function previousChar(text: string, pos: number): string {
  const before = text
    .slice(0, pos)
    .split(/\r\n|\n|\r/)
    .map((l) => l.replace(/#.*$/, ''))
    .join('\n')
    .replace(/[\s,\uFEFF]+$/, '');
  return before.slice(-1);
}

function syntaxFailure(err: GraphQLError, text: string): GqlFailure {
  let reason = syntaxReason(err.message);
  const loc = err.locations?.[0] ?? { line: 0, column: 0 };
  let column = loc.column;
  const pos = err.positions?.[0];
  const found = /found ([})])$/.exec(reason);
  // gqlparser reads `{…}` and `(…)` lists with "at least one" and words an empty one differently.
  if (found !== null && pos !== undefined && previousChar(text, pos) === (found[1] === '}' ? '{' : '(')) {
    reason = `expected at least one definition, found ${found[1]}`;
  }
  const desc = /^Unexpected description, .*$/.exec(reason);
  if (desc !== null && pos !== undefined) {
    const lit = /^"((?:[^"\\\n]|\\.)*)"/.exec(text.slice(pos));
    reason = `Unexpected String "${lit?.[1] ?? ''}"`;
  }
  // gqlparser positions a string token after its opening quote.
  if (/(Unexpected|found) String "/.test(reason)) column += 1;
  return located(reason, loc.line, column);
}

/** True when the text holds no tokens at all: gqlparser accepts that as an empty document. */
function isEmptyDocument(text: string): boolean {
  try {
    return new Lexer(new Source(text)).advance().kind === TokenKind.EOF;
  } catch {
    return false;
  }
}

function parseDocument(text: string): DocumentNode {
  if (isEmptyDocument(text)) return { kind: Kind.DOCUMENT, definitions: [] };
  try {
    return parse(text, { noLocation: false, allowLegacyFragmentVariables: true });
  } catch (err) {
    if (err instanceof GraphQLError) throw syntaxFailure(err, text);
    throw tooDeep(err);
  }
}

/** graphql-js recurses per nesting level: a hostile document can exhaust the stack; refuse it cleanly. */
export function tooDeep(err: unknown): unknown {
  return err instanceof RangeError ? new GqlFailure('GraphQL document is nested too deeply') : err;
}

/** The first token of a definition, as gqlparser reports an out-of-place one (`Unexpected Name "type"`). */
function unexpectedDefinition(d: DefinitionNode): GqlFailure {
  const tok = d.loc?.startToken;
  const desc = tok === undefined ? '' : tok.kind === 'Name' ? `Name "${tok.value}"` : tok.kind;
  return located(`Unexpected ${syntaxReason(desc)}`, tok?.line ?? 0, tok?.column ?? 0);
}

const EXECUTABLE = new Set<string>([Kind.OPERATION_DEFINITION, Kind.FRAGMENT_DEFINITION]);

/** Parses a query document (operations and fragments only). */
export function parseQuery(text: string): DocumentNode {
  const doc = parseDocument(text);
  const bad = doc.definitions.find((d) => !EXECUTABLE.has(d.kind));
  if (bad !== undefined) throw unexpectedDefinition(bad);
  return doc;
}

/** Parses a schema document (type system definitions and extensions only). */
export function parseSchema(text: string): DocumentNode {
  const doc = parseDocument(text);
  const bad = doc.definitions.find((d) => EXECUTABLE.has(d.kind));
  if (bad !== undefined) throw unexpectedDefinition(bad);
  return doc;
}

/** Directives gqlparser's prelude declares that graphql-js does not. */
const EXTRA_PRELUDE = parse(`
  directive @defer(if: Boolean = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
  directive @oneOf on INPUT_OBJECT
`);

/**
 * gqlparser lets a schema extend a type it never defines (the extension becomes the definition, as
 * federation schemas need); graphql-js refuses. Rewrite such extensions into definitions first.
 */
function definedFirst(doc: DocumentNode): DocumentNode {
  const defined = new Set<string>();
  for (const d of doc.definitions)
    if ('name' in d && d.name !== undefined && !d.kind.endsWith('Extension')) defined.add(d.name.value);
  const defs: DefinitionNode[] = [];
  for (const d of doc.definitions) {
    if (
      d.kind.endsWith('TypeExtension') &&
      'name' in d &&
      d.name !== undefined &&
      !defined.has(d.name.value)
    ) {
      defined.add(d.name.value);
      defs.push({ ...d, kind: d.kind.replace('Extension', 'Definition') } as unknown as DefinitionNode);
    } else defs.push(d);
  }
  const have = new Set(defs.flatMap((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? [d.name.value] : [])));
  for (const d of EXTRA_PRELUDE.definitions) {
    if (d.kind === Kind.DIRECTIVE_DEFINITION && !have.has(d.name.value)) defs.push(d);
  }
  return { kind: Kind.DOCUMENT, definitions: defs };
}

/** graphql-js schema errors gqlparser does not raise: it accepts a schema without a query root type. */
const TOLERATED = /^Query root type must be provided/;

/** Builds and validates a schema; throws `GqlFailure` when it is not a valid schema. */
export function buildSchema(doc: DocumentNode): GraphQLSchema {
  const full = definedFirst(doc);
  try {
    const errs = validateSchema(buildASTSchema(full)).filter((e) => !TOLERATED.test(e.message));
    if (errs.length > 0) throw new GqlFailure(`${CONVERSION}: ${errs[0]?.message}`);
    // Validated above, minus the tolerated errors that would otherwise make `validate` refuse the schema.
    return buildASTSchema(full, { assumeValid: true, assumeValidSDL: true });
  } catch (err) {
    if (err instanceof GqlFailure) throw err;
    throw new GqlFailure(`${CONVERSION}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const CONVERSION = 'Error in gqlparser SchemaDocument to Schema conversion';

/** Validates a query against a schema with the specified rules; the first error in OPA's wording. */
export function validateQuery(schema: GraphQLSchema, query: DocumentNode): void {
  let errs: readonly GraphQLError[];
  try {
    errs = validate(schema, query);
  } catch (err) {
    throw tooDeep(err);
  }
  const first = errs[0];
  if (first !== undefined) throw fromGraphQLError(first, first.message.replace(/\.$/, ''));
}

/** A `GqlFailure` becomes the builtin's error; anything else is a bug and propagates. */
export function asBuiltinError(err: unknown): never {
  if (err instanceof GqlFailure) throw new BuiltinError(err.message, { cause: err });
  throw err;
}
