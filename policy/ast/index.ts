/**
 * @module Public API of the Rego AST layer: scanner, parser, node types, diagnostics.
 */
export * from './errors.js';
export * from './nodes.js';
export { opName } from './op-name.js';
export { type Json, moduleJson, NumberLiteral, parseModuleToOpaJson, termJson } from './opa-json.js';
export { INFIX_BUILTINS, type ParseOptions, parseModule, parseQuery, REGO_V1_KEYWORDS } from './parser.js';
export { type ScannedComment, scan, type Token } from './scanner.js';
