/**
 * @module Host builtins for OPA Wasm modules: adapts Palisade's builtin registry to the SDK's custom-builtin
 * table. With a Palisade-built module the values cross exactly (value-bridge.ts); with other modules they
 * are the SDK's JSON (sets arrive as arrays and are restored where the declaration says `set`). Wasm layer.
 */
// The builtins' modules, not their index: the index loads every family (graphql, re2js, semver, …), and a
// module's host builtins are usually a few of them (see loader.ts).
import type { BuiltinDef } from '../builtins/builtin-def.js';
import {
  type BuiltinContext,
  type BuiltinContextOptions,
  createBuiltinContext,
} from '../builtins/context.js';
import { PolicyError } from '../errors.js';
import { fromJS, SetValue, toJS, type Value } from '../value/index.js';
import type { ValueBridge } from './value-bridge.js';

/** A host builtin as the SDK calls it: plain JSON-shaped arguments, a JSON-shaped result or undefined. */
export type HostBuiltin = (...args: unknown[]) => unknown;

/** Where host builtins come from: by default Palisade's registry. */
export interface HostBuiltinSource {
  lookup(name: string): HostBuiltin | undefined;
}

/** Per-evaluation state the registry adapter needs (one builtin context, created on first use). */
export class HostBuiltinScope {
  #ctx: BuiltinContext | undefined;
  readonly #options: {
    strict: boolean;
    clock?: () => bigint;
    network?: BuiltinContextOptions['network'];
  };
  /** Exact argument/result passing, once the loader knows the module supports it. */
  bridge: ValueBridge | undefined;
  /**
   * `rego.parse_module`'s parser, set by the loader only for modules that call it: the Rego front end is not
   * loaded into a sidecar whose policy does not need it.
   */
  parseModule: ((filename: string, source: string) => Value) | undefined;

  constructor(
    options: { strict?: boolean; clock?: () => bigint; network?: BuiltinContextOptions['network'] } = {},
  ) {
    this.#options = { strict: options.strict ?? false, clock: options.clock, network: options.network };
  }

  /** Forget the context: the next builtin call starts a fresh one (new `time.now_ns`, empty cache). */
  reset(): void {
    this.#ctx = undefined;
  }

  context(): BuiltinContext {
    this.#ctx ??= createBuiltinContext({
      strict: this.#options.strict,
      clock: this.#options.clock,
      network: this.#options.network,
      ...(this.parseModule ? { parseModule: this.parseModule } : {}),
    });
    return this.#ctx;
  }

  get strict(): boolean {
    return this.#options.strict;
  }
}

/**
 * Palisade's builtins `defs` (from the registry, or `loadBuiltinDefs` for just those a module calls) as host
 * builtins. Builtin errors that OPA treats as undefined outside strict mode (eval_builtin_error without
 * halt) give undefined; type errors and halts propagate as exceptions.
 */
export function registryHostBuiltins(
  scope: HostBuiltinScope,
  defs: { get(name: string): BuiltinDef | undefined },
): HostBuiltinSource {
  const cache = new Map<string, HostBuiltin | undefined>();
  return {
    lookup(name) {
      if (cache.has(name)) return cache.get(name);
      const def = defs.get(name);
      const setArgs = def ? declaredSetArgs(def.decl) : [];
      const fn: HostBuiltin | undefined = def
        ? (...args: unknown[]) => {
            try {
              const bridge = scope.bridge;
              const values = bridge
                ? args.map((a, i) => bridge.arg(i, a))
                : args.map((a, i) => {
                    const v = fromJS(a, `${name} operand ${i + 1}`);
                    // JSON turned the module's sets into arrays; the declaration says which were sets
                    return setArgs[i] && Array.isArray(v) ? SetValue.from(v as Value[]) : v;
                  });
              const out = def.impl(values, scope.context());
              if (out === undefined) return undefined;
              return bridge ? bridge.result(out) : toJS(out);
            } catch (err) {
              // as the IR evaluator: builtin errors are undefined unless strict or halting
              const e = err as { code?: string; halt?: boolean; regoCode?: string };
              const isBuiltinError = e?.code === 'ERR_POLICY_BUILTIN';
              if (!scope.strict && isBuiltinError && e.halt !== true) return undefined;
              // and worded as it words them: `file:row: eval_type_error: name: reason`
              const code =
                isBuiltinError && e.regoCode === 'eval_type_error' ? 'eval_type_error' : 'eval_builtin_error';
              const site = scope.bridge?.callSite();
              const message = err instanceof Error ? err.message : String(err);
              throw new PolicyError('ERR_POLICY_WASM_EVAL', `${site ? `${site}: ` : ''}${code}: ${message}`, {
                cause: err,
              });
            }
          }
        : undefined;
      cache.set(name, fn);
      return fn;
    },
  };
}

/** Which declared arguments are sets (only `set`; `any` or unions stay as they arrive). */
function declaredSetArgs(decl: unknown): boolean[] {
  const args = (decl as { args?: { type?: unknown }[] } | undefined)?.args ?? [];
  return args.map((a) => a?.type === 'set');
}

/** The SDK's `customBuiltins` object for a set of names (looked up once, at load). */
export function sdkBuiltinTable(
  names: readonly string[],
  source: HostBuiltinSource,
): Record<string, HostBuiltin> {
  const table: Record<string, HostBuiltin> = {};
  for (const name of names) {
    const fn = source.lookup(name);
    if (fn) table[name] = fn;
  }
  return table;
}
