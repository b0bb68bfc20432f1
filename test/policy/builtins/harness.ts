/**
 * @module Test kit for builtin tests: call a builtin by name on plain-JS or Rego arguments with a fixed
 * clock, and render values as Rego terms for readable assertions.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type BuiltinContext,
  type BuiltinContextOptions,
  BuiltinError,
  type BuiltinErrorKind,
  createBuiltinContext,
  lookupBuiltin,
} from '../../../policy/builtins/index.js';
import { equal, fromJS, toRegoString, type Value } from '../../../policy/value/index.js';

/** A fixed evaluation instant: 2024-05-06T07:08:09.123456789Z. */
export const FIXED_NOW_NS = 1714979289123456789n;

export function context(options: BuiltinContextOptions = {}): BuiltinContext {
  return createBuiltinContext({ clock: () => FIXED_NOW_NS, print: () => {}, ...options });
}

/** Call builtin `name`; plain JS arguments are converted with `fromJS` (JS `Set`s become Rego sets). */
export function call(
  name: string,
  args: readonly unknown[],
  ctx: BuiltinContext = context(),
): Value | undefined {
  const def = lookupBuiltin(name);
  assert.ok(def, `builtin ${name} is registered`);
  return def.impl(
    args.map((a) => fromJS(a)),
    ctx,
  );
}

/** Assert `name(args…)` equals `want` (plain JS, converted), rendering both as Rego on failure. */
export function expectResult(name: string, args: readonly unknown[], want: unknown, note = ''): void {
  const got = call(name, args);
  if (want === undefined) {
    assert.equal(
      got,
      undefined,
      `${note}: ${name} should be undefined, got ${got === undefined ? '' : toRegoString(got)}`,
    );
    return;
  }
  const w = fromJS(want);
  assert.ok(got !== undefined, `${note}: ${name} returned undefined, want ${toRegoString(w)}`);
  assert.ok(equal(got, w), `${note}: ${name} returned ${toRegoString(got)}, want ${toRegoString(w)}`);
}

/** Assert `name(args…)` throws a BuiltinError with OPA's code and a message containing `message`. */
export function expectError(
  name: string,
  args: readonly unknown[],
  regoCode: BuiltinErrorKind,
  message: string,
  note = '',
): void {
  assert.throws(
    () => call(name, args),
    (err: unknown) => {
      assert.ok(err instanceof BuiltinError, `${note}: expected BuiltinError, got ${String(err)}`);
      assert.equal(err.code, 'ERR_POLICY_BUILTIN', note);
      assert.equal(err.regoCode, regoCode, `${note}: ${err.message}`);
      assert.ok(
        err.message.includes(message),
        `${note}: message ${JSON.stringify(err.message)} lacks ${JSON.stringify(message)}`,
      );
      assert.ok(err.message.startsWith(`${name}: `), `${note}: message is prefixed with the builtin name`);
      return true;
    },
  );
}

/** A test case row: `args` in, `want` out (or `error`). */
export interface Row {
  note: string;
  args: unknown[];
  want?: unknown;
  error?: { code: BuiltinErrorKind; message: string };
}

/** Run a table of rows against one builtin. */
export function runTable(name: string, rows: readonly Row[]): void {
  for (const row of rows) {
    if (row.error) expectError(name, row.args, row.error.code, row.error.message, row.note);
    else expectResult(name, row.args, row.want, row.note);
  }
}

/** ../shared beside the checkout, or undefined when it is absent (tests then skip). */
export function sharedDir(sub: string): string | undefined {
  const dir = path.resolve(process.cwd(), '..', 'shared', sub);
  return existsSync(dir) ? dir : undefined;
}
