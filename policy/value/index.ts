/**
 * @module Public API of OPA's value model: the `Value` type, objects and sets with any key type, exact
 * numbers, OPA's total order, canonical keys, lossless JSON and Rego-term rendering. Re-exports only.
 */
export { compare, compareStrings, equal } from './compare.js';
export { Decimal } from './decimal.js';
export { canonical, type HashKey, hashKey } from './hash.js';
export { type BigNumberMode, fromJS, toJS, toJson } from './json-format.js';
export { JsonParseError, parseJson } from './json-parse.js';
export {
  compareNumbers,
  formatNumber,
  isIntegral,
  isNumberLiteral,
  numberFromBigInt,
  numberFromDecimal,
  numberFromLiteral,
  numbersEqual,
  toBigInt,
  toDecimal,
  toFloat,
  toSafeInteger,
} from './number.js';
export { ObjectValue } from './object.js';
export { SetValue } from './set.js';
export { toRegoString } from './term.js';
export { parseRegoTerm } from './term-parse.js';
export {
  type ArrayValue,
  BigNum,
  decimalText,
  isArray,
  isBoolean,
  isCollection,
  isNumber,
  isObject,
  isSet,
  isString,
  type ObjectLike,
  type RegoNumber,
  type SetLike,
  type TypeName,
  typeOf,
  type Value,
} from './value.js';
export { parseYaml, yamlNodeToValue } from './yaml.js';
