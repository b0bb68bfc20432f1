/**
 * @module The list of builtin families the registry is built from, one file per family (as OPA's
 * v1/topdown). Adding a family = one import and one entry here, then regenerate family-index.ts
 * (scripts/gen-builtin-family-index.mjs), which the Wasm host loads families through.
 */
import { aggregateBuiltins } from './aggregates.js';
import { arrayBuiltins } from './arrays.js';
import { awsBuiltins } from './aws-sign.js';
import { bitBuiltins } from './bits.js';
import { comparisonBuiltins } from './comparison.js';
import { cryptoBuiltins } from './crypto.js';
import { deprecatedBuiltins } from './deprecated.js';
import { encodingBuiltins } from './encoding.js';
import { globBuiltins } from './glob.js';
import { graphBuiltins } from './graph.js';
import { graphqlBuiltins } from './graphql.js';
import { httpBuiltins } from './http-send.js';
import type { ImplTable } from './impl-types.js';
import { jsonPathBuiltins } from './json-paths.js';
import { jsonSchemaBuiltins } from './json-schema.js';
import { jsonYamlBuiltins } from './json-yaml.js';
import { jwtBuiltins } from './jwt.js';
import { jwtSignBuiltins } from './jwt-sign.js';
import { cidrBuiltins } from './net-cidr.js';
import { lookupBuiltins } from './net-lookup.js';
import { numberBuiltins } from './numbers.js';
import { objectBuiltins } from './objects.js';
import { printBuiltins } from './print.js';
import { regexBuiltins } from './regex.js';
import { runtimeBuiltins } from './runtime.js';
import { semverUuidBuiltins } from './semver-uuid.js';
import { setBuiltins } from './sets.js';
import { sprintfBuiltins } from './sprintf.js';
import { stringBuiltins } from './strings.js';
import { templateBuiltins } from './template.js';
import { timeBuiltins } from './time.js';
import { typeBuiltins } from './types.js';
import { unitBuiltins } from './units.js';
import { x509Builtins } from './x509.js';

export const FAMILIES: Readonly<Record<string, ImplTable>> = {
  aggregates: aggregateBuiltins,
  arrays: arrayBuiltins,
  'aws-sign': awsBuiltins,
  bits: bitBuiltins,
  comparison: comparisonBuiltins,
  crypto: cryptoBuiltins,
  deprecated: deprecatedBuiltins,
  'net-cidr': cidrBuiltins,
  'net-lookup': lookupBuiltins,
  encoding: encodingBuiltins,
  glob: globBuiltins,
  graph: graphBuiltins,
  graphql: graphqlBuiltins,
  'http-send': httpBuiltins,
  'json-paths': jsonPathBuiltins,
  'json-schema': jsonSchemaBuiltins,
  'json-yaml': jsonYamlBuiltins,
  jwt: jwtBuiltins,
  'jwt-sign': jwtSignBuiltins,
  numbers: numberBuiltins,
  objects: objectBuiltins,
  print: printBuiltins,
  regex: regexBuiltins,
  runtime: runtimeBuiltins,
  'semver-uuid': semverUuidBuiltins,
  sets: setBuiltins,
  sprintf: sprintfBuiltins,
  strings: stringBuiltins,
  template: templateBuiltins,
  time: timeBuiltins,
  types: typeBuiltins,
  units: unitBuiltins,
  x509: x509Builtins,
};
