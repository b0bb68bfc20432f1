/**
 * @module Builtins about the evaluation itself: `opa.runtime` (the context's runtime document),
 * `rego.parse_module` (through the front end's parser, which the context supplies), `test.sleep`.
 */
import { ObjectValue, type Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import { parseDuration } from './go-duration.js';
import type { ImplTable } from './impl-types.js';
import { str } from './operands.js';

/** `test.sleep` blocks the thread (builtins are synchronous); capped so a policy cannot hang a process. */
export const TEST_SLEEP_LIMIT_MS = 10_000;

function sleep(args: readonly Value[]): Value {
  const ns = parseDuration(str(args, 0));
  const ms = Number(ns / 1_000_000n);
  if (ms > TEST_SLEEP_LIMIT_MS)
    throw new BuiltinError(`refusing to sleep longer than ${TEST_SLEEP_LIMIT_MS} ms`);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return null;
}

export const runtimeBuiltins: ImplTable = {
  'opa.runtime': {
    impl: (_args, ctx) => (ctx.runtime instanceof ObjectValue ? ctx.runtime : new ObjectValue()),
    nondeterministic: true,
  },
  'rego.parse_module': (args, ctx) => {
    const filename = str(args, 0);
    const source = str(args, 1);
    if (ctx.parseModule === undefined) {
      throw new BuiltinError(
        'rego.parse_module is not available in this evaluation (no Rego parser was provided)',
      );
    }
    return ctx.parseModule(filename, source);
  },
  'test.sleep': { impl: sleep, nondeterministic: true },
};
