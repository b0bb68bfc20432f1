/**
 * @module `print`, `internal.print` (what the compiler rewrites `print` into: one set of possible values per
 * argument) and `internal.template_string` (Rego's `$"…{expr}…"` strings), which share OPA's rendering:
 * strings as-is, other values in Rego syntax, an empty set (undefined expression) as `<undefined>`.
 */
import { SetValue, toRegoString, type Value } from '../value/index.js';
import { BuiltinError } from './builtin-error.js';
import type { ImplTable } from './impl-types.js';
import { array, str } from './operands.js';

const render = (v: Value): string => (typeof v === 'string' ? v : toRegoString(v));

/**
 * Every combination of the operands' possible values (the cross product OPA's print walks), rendered.
 * Primitive operands stand for themselves; any other operand must be a set of candidate values.
 */
function crossProduct(operands: readonly Value[], each: (parts: string[]) => void): void {
  const buf: string[] = new Array(operands.length).fill('');
  const walk = (i: number): void => {
    if (i >= operands.length) {
      each([...buf]);
      return;
    }
    const x = operands[i] as Value;
    if (x === null || typeof x !== 'object' || (!Array.isArray(x) && x.kind === 'number')) {
      buf[i] = render(x);
      walk(i + 1);
      return;
    }
    if (!(x instanceof SetValue)) {
      throw new BuiltinError(`illegal argument type: ${Array.isArray(x) ? 'array' : x.kind}`, {
        kind: 'eval_internal_error',
        halt: true,
      });
    }
    if (x.size === 0) {
      buf[i] = '<undefined>';
      walk(i + 1);
      return;
    }
    for (const v of x.items()) {
      buf[i] = render(v);
      walk(i + 1);
    }
  };
  walk(0);
}

function internalPrint(args: readonly Value[], ctx: { print(line: string): void }): Value {
  crossProduct(array(args, 0), (parts) => ctx.print(parts.join(' ')));
  return true;
}

function templateString(args: readonly Value[]): Value {
  let out: string | undefined;
  crossProduct(array(args, 0), (parts) => {
    if (out !== undefined) {
      throw new BuiltinError('template-strings must not produce multiple outputs', {
        kind: 'eval_conflict_error',
        halt: true,
      });
    }
    out = parts.join('');
  });
  return out ?? '';
}

export const printBuiltins: ImplTable = {
  // `print` is a statement: its result is always defined so the body goes on.
  print: (args, ctx) => {
    ctx.print(args.map((a) => render(a)).join(' '));
    return true;
  },
  'internal.print': internalPrint,
  'internal.template_string': templateString,
  trace: (args, ctx) => {
    // OPA records trace notes in the explanation; without a tracer they go to the print sink.
    ctx.print(str(args, 0));
    return true;
  },
};
