/**
 * @module Exact values across the SDK boundary for Palisade-built modules: host builtin arguments and the
 * evaluation's result set are read with `opa_value_dump` (Rego text: sets, non-string keys, exact numbers)
 * instead of the SDK's JSON, and builtin results go back as Rego text. Wasm layer.
 */
import {
  EVAL_RESULT_EXPORT,
  HOST_ARG_EXPORT,
  HOST_CALL_SITE_EXPORT,
  HOST_RESULT_REGO_EXPORT,
  JSON_EXACT_EXPORT,
} from '../codegen/abi.js';
import {
  fromJS,
  isBoolean,
  isObject,
  isSet,
  isString,
  parseRegoTerm,
  toJS,
  toRegoString,
  type Value,
} from '../value/index.js';

type Exports = Record<string, unknown>;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A loaded module's memory and its Palisade boundary exports. */
export class ValueBridge {
  readonly #memory: { readonly buffer: ArrayBuffer };
  readonly #dump: (v: number) => number;
  readonly #arg: (i: number) => number;
  readonly #site: () => number;
  readonly #jsonExact: (v: number) => number;
  readonly #resultRego: () => void;
  readonly #evalResult: () => number;

  private constructor(exports: Exports, memory: { readonly buffer: ArrayBuffer }) {
    this.#memory = memory;
    this.#dump = exports.opa_value_dump as (v: number) => number;
    this.#arg = exports[HOST_ARG_EXPORT] as (i: number) => number;
    this.#site = exports[HOST_CALL_SITE_EXPORT] as () => number;
    this.#jsonExact = exports[JSON_EXACT_EXPORT] as (v: number) => number;
    this.#resultRego = exports[HOST_RESULT_REGO_EXPORT] as () => void;
    this.#evalResult = exports[EVAL_RESULT_EXPORT] as () => number;
  }

  /** The bridge of a module that has the boundary exports; undefined for other modules (e.g. OPA-built). */
  static of(exports: Exports, memory: { readonly buffer: ArrayBuffer }): ValueBridge | undefined {
    const needed = [
      'opa_value_dump',
      HOST_ARG_EXPORT,
      HOST_CALL_SITE_EXPORT,
      HOST_RESULT_REGO_EXPORT,
      JSON_EXACT_EXPORT,
      EVAL_RESULT_EXPORT,
    ];
    return needed.every((n) => typeof exports[n] === 'function')
      ? new ValueBridge(exports, memory)
      : undefined;
  }

  /**
   * Argument `i` of the host builtin call in progress. `sdkArg` is the SDK's JSON reading of it, used when
   * the module says that reading is exact (most arguments: dumping them again would double the cost).
   */
  arg(i: number, sdkArg: unknown): Value {
    const addr = this.#arg(i);
    if (addr === 0) throw new Error(`the module recorded no host argument ${i + 1}`);
    return this.#jsonExact(addr) === 1 ? fromJS(sdkArg) : this.#read(addr);
  }

  /** `file:row` of the host builtin call in progress. */
  callSite(): string | undefined {
    const addr = this.#site();
    const v = addr === 0 ? undefined : this.#read(addr);
    return typeof v === 'string' ? v : undefined;
  }

  /**
   * A builtin result for the SDK to load: plain JSON when that is exact, else Rego text, which the module
   * parses as a value (the SDK copies an ArrayBuffer verbatim and calls opa_json_parse on it right away).
   */
  result(v: Value): unknown {
    if (jsonExact(v)) return toJS(v);
    this.#resultRego();
    return encoder.encode(toRegoString(v)).buffer as ArrayBuffer;
  }

  /** The result set of the latest evaluation, read exactly. */
  evalResult(): Value[] {
    const rs = this.#read(this.#evalResult());
    // the result set is a set value; its elements are the results
    return isSet(rs) ? [...rs.items()] : [];
  }

  #read(addr: number): Value {
    const at = this.#dump(addr);
    const bytes = new Uint8Array(this.#memory.buffer);
    const end = bytes.indexOf(0, at);
    return parseRegoTerm(decoder.decode(bytes.subarray(at, end < 0 ? bytes.length : end)));
  }
}

/** Whether JSON carries `v` exactly: no sets, only string keys, numbers that print the same in JSON and Rego. */
function jsonExact(v: Value): boolean {
  if (v === null || isString(v) || isBoolean(v)) return true;
  if (typeof v === 'number') return Math.abs(v) < 1e21;
  if (Array.isArray(v)) return v.every(jsonExact);
  if (isObject(v)) return v.keys().every(isString) && v.values().every(jsonExact);
  return false;
}
