/**
 * @module The codegen driver: plan IR → one Wasm module following OPA's ABI, linked into the Palisade
 * runtime with binaryen, validated and optimised. Codegen layer.
 */
import binaryen from 'binaryen';
import { PolicyError } from '../errors.js';
import type { Func, Policy } from '../ir/ir.js';
import {
  ABI_EXPORTS,
  ABI_MINOR_VERSION_GLOBAL,
  ABI_VERSION_GLOBAL,
  HOST_BUILTIN_IMPORTS,
  MAX_HOST_BUILTIN_ARITY,
  MEMORY_MODULE,
  MEMORY_NAME,
  PALISADE_HOST_EXPORTS,
  STRICT_GLOBAL,
} from './abi.js';
import { FunctionContext, type Linker } from './function-context.js';
import {
  clearStart,
  dropHelperExports,
  planDispatchName,
  RUNTIME_GLOBALS,
  readRuntime,
  rewriteGlobal,
} from './link-runtime.js';
import { nativeBuiltinExport, runtimeWasm } from './runtime-library.js';
import { StaticData } from './static-data.js';
import { lowerBlock } from './stmts.js';

const I32 = binaryen.i32;

export interface CompileOptions {
  /** Run binaryen's optimiser (default true). */
  readonly optimize?: boolean;
  /** Use the runtime's native builtins where it has them (default true); false sends every builtin to the host. */
  readonly nativeBuiltins?: boolean;
}

export interface CompiledPolicy {
  readonly wasm: Uint8Array;
  /** Builtins the host must supply (the module's `builtins` export), in id order. */
  readonly hostBuiltins: string[];
  /** Entrypoint name → id (the module's `entrypoints` export). */
  readonly entrypoints: Record<string, number>;
  readonly warnings: string[];
}

function compileError(message: string, cause?: unknown): PolicyError {
  return new PolicyError('ERR_POLICY_WASM_COMPILE', message, { cause });
}

/** Compile a plan (OPA's or Palisade's) into a policy module. */
export function compileToWasm(policy: Policy, options: CompileOptions = {}): CompiledPolicy {
  const rt = readRuntime(runtimeWasm());
  const mod = rt.mod;
  try {
    return link(policy, rt, options);
  } finally {
    mod.dispose();
  }
}

function link(policy: Policy, rt: ReturnType<typeof readRuntime>, options: CompileOptions): CompiledPolicy {
  const mod = rt.mod;
  const strings = (policy.static?.strings ?? []).map((s) => s.value);
  const files = (policy.static?.files ?? []).map((f) => f.value);
  const builtinFuncs = policy.static?.builtin_funcs ?? [];
  const plans = policy.plans?.plans ?? [];
  const funcs = policy.funcs?.funcs ?? [];
  if (plans.length === 0) throw compileError('the plan has no entrypoints (plans.plans is empty)');
  const data = new StaticData(rt.dataEnd);
  const stringValues = strings.map((s) => data.string(s));
  const rtName = (name: string): string => {
    const e = rt.exports.get(name);
    if (e === undefined) throw compileError(`the runtime library has no export ${name}`);
    return e.internal;
  };

  // --- builtins: native when the runtime has them, else the host through opa_builtinN ---
  const warnings: string[] = [];
  const hostIds: Record<string, number> = {};
  const builtinByName = new Map<string, { native?: string; hostId?: number }>();
  const importedArity = new Set<number>();
  builtinFuncs.forEach((b, id) => {
    const native = options.nativeBuiltins === false ? undefined : rt.exports.get(nativeBuiltinExport(b.name));
    if (native) builtinByName.set(b.name, { native: native.internal });
    else {
      builtinByName.set(b.name, { hostId: id });
      hostIds[b.name] = id;
      warnings.push(`builtin ${b.name} is not native to the Wasm runtime: the host must supply it`);
    }
  });

  // --- plan functions ---
  const generated: string[] = [];
  const funcNames = new Map<string, { wasm: string; func: Func }>();
  funcs.forEach((f, i) => {
    funcNames.set(f.name, { wasm: `fn${i}`, func: f });
  });
  let memoSlots = 0;
  // CallDynamicStmt paths match a function's `path` exactly (e.g. ["g0", "pkg", "rule"]).
  const dynamicTargets = funcs
    .filter((f) => f.path && f.path.length > 0)
    .map((f) => ({ path: f.path!, arity: f.params.length, wasmName: funcNames.get(f.name)!.wasm }));

  const linker: Linker = {
    mod,
    data,
    rt: rtName,
    stringValue: (i) => {
      const v = stringValues[i];
      if (v === undefined)
        throw compileError(`string index ${i} is out of range (${strings.length} strings)`);
      return v;
    },
    stringText: (i) => {
      const v = strings[i];
      if (v === undefined)
        throw compileError(`string index ${i} is out of range (${strings.length} strings)`);
      return v;
    },
    lowerBlock,
    dynamicTargets,
    runtimeError(at, message) {
      const file = files[at.file] ?? '';
      return data.text(`${file}:${at.row}:${at.col}: ${message}`);
    },
    lowerCall(c, name, args, at) {
      const f = funcNames.get(name);
      if (f) {
        if (args.length !== f.func.params.length) {
          throw compileError(
            `${c.name}: call to ${name} with ${args.length} arguments, it takes ${f.func.params.length}`,
          );
        }
        return mod.call(f.wasm, args, I32);
      }
      const b = builtinByName.get(name);
      if (!b) throw compileError(`${c.name}: call to unknown function ${name}`);
      if (b.native) return mod.call(b.native, args, I32);
      if (args.length > MAX_HOST_BUILTIN_ARITY) {
        throw compileError(
          `builtin ${name} takes ${args.length} arguments; host builtins take at most ${MAX_HOST_BUILTIN_ARITY}`,
        );
      }
      importedArity.add(args.length);
      // Record the arguments for a Palisade host (lossless boundary, runtime host-boundary.ts), then call.
      const temps = args.map(() => c.scratch());
      const recorded = [0, 1, 2, 3].map((i) =>
        temps[i] === undefined ? mod.i32.const(0) : mod.local.get(temps[i]!, I32),
      );
      recorded.push(mod.i32.const(data.string(`${files[at.file] ?? ''}:${at.row}`)));
      return mod.block(
        null,
        [
          ...args.map((a, i) => mod.local.set(temps[i]!, a)),
          mod.call(rtName('rt_host_args'), recorded, binaryen.none),
          mod.call(
            HOST_BUILTIN_IMPORTS[args.length]!,
            [mod.i32.const(b.hostId!), mod.i32.const(0), ...temps.map((t) => mod.local.get(t, I32))],
            I32,
          ),
        ],
        I32,
      );
    },
  };

  for (const [name, { wasm, func }] of funcNames) {
    const params = binaryen.createType(func.params.map(() => I32));
    const c = new FunctionContext(linker, name, func.params);
    const body = func.blocks.map((b) => lowerBlock(c, b));
    body.push(mod.return(c.get(func.return)));
    const memoised = func.params.length === 2;
    const implName = memoised ? `${wasm}_impl` : wasm;
    mod.addFunction(implName, params, I32, c.vars, mod.block(null, body));
    generated.push(implName);
    if (memoised) {
      // rules (functions of input and data only) are evaluated once per evaluation
      const slot = memoSlots++;
      const m = 2;
      mod.addFunction(
        wasm,
        params,
        I32,
        [I32],
        mod.block(null, [
          mod.local.set(m, mod.call(rtName('rt_memo_get'), [mod.i32.const(slot)], I32)),
          mod.if(
            mod.local.get(m, I32),
            mod.return(
              mod.select(
                mod.i32.ne(mod.local.get(m, I32), mod.i32.const(1)),
                mod.local.get(m, I32),
                mod.i32.const(0),
              ),
            ),
          ),
          mod.local.set(m, mod.call(implName, [mod.local.get(0, I32), mod.local.get(1, I32)], I32)),
          mod.call(rtName('rt_memo_set'), [mod.i32.const(slot), mod.local.get(m, I32)], binaryen.none),
          mod.return(mod.local.get(m, I32)),
        ]),
      );
    }
  }

  // --- plans and the entrypoint switch ---
  const entrypoints: Record<string, number> = {};
  plans.forEach((plan, i) => {
    entrypoints[plan.name] = i;
    const c = new FunctionContext(linker, plan.name, [0, 1]);
    const body = plan.blocks.map((b) => lowerBlock(c, b));
    mod.addFunction(
      `plan${i}`,
      binaryen.createType([I32, I32]),
      binaryen.none,
      c.vars,
      mod.block(null, body),
    );
    generated.push(`plan${i}`);
  });
  const dispatch = planDispatchName(mod);
  mod.removeFunction(dispatch);
  const badEp = data.text('invalid entrypoint id');
  mod.addFunction(
    dispatch,
    binaryen.createType([I32, I32, I32]),
    binaryen.none,
    [],
    mod.block(null, [
      ...plans.map((_, i) =>
        mod.if(
          mod.i32.eq(mod.local.get(0, I32), mod.i32.const(i)),
          mod.block(null, [
            mod.call(`plan${i}`, [mod.local.get(1, I32), mod.local.get(2, I32)], binaryen.none),
            mod.return(),
          ]),
        ),
      ),
      mod.call(rtName('rt_abort'), [mod.i32.const(badEp.ptr), mod.i32.const(badEp.len)], binaryen.none),
    ]),
  );

  // --- builtins() and entrypoints(): parsed from static JSON on each call ---
  for (const [exportName, obj] of [
    ['builtins', hostIds],
    ['entrypoints', entrypoints],
  ] as const) {
    const t = data.text(JSON.stringify(obj));
    mod.addFunction(
      `abi_${exportName}`,
      binaryen.none,
      I32,
      [],
      mod.call(rtName('opa_json_parse'), [mod.i32.const(t.ptr), mod.i32.const(t.len)], I32),
    );
  }

  for (const n of importedArity) {
    mod.addFunctionImport(
      HOST_BUILTIN_IMPORTS[n]!,
      MEMORY_MODULE,
      HOST_BUILTIN_IMPORTS[n]!,
      binaryen.createType(new Array(n + 2).fill(I32)),
      I32,
    );
  }

  // --- memory: runtime data, then the policy's, then the heap ---
  const heapStart = (data.end + 7) & ~7;
  rewriteGlobal(rt, RUNTIME_GLOBALS.heapTop, heapStart);
  rewriteGlobal(rt, RUNTIME_GLOBALS.memoSlots, memoSlots);
  clearStart(rt);
  const pages = Math.max(1, Math.ceil(heapStart / 65536));
  dropHelperExports(
    rt,
    new Set<string>([
      ...ABI_EXPORTS,
      ABI_VERSION_GLOBAL,
      ABI_MINOR_VERSION_GLOBAL,
      MEMORY_NAME,
      STRICT_GLOBAL,
      ...PALISADE_HOST_EXPORTS,
    ]),
  );
  mod.addFunctionExport('abi_builtins', 'builtins');
  mod.addFunctionExport('abi_entrypoints', 'entrypoints');

  mod.setMemory(
    pages,
    -1,
    null,
    [
      ...rt.segments.map((seg) => ({ offset: mod.i32.const(seg.offset), data: seg.data, passive: false })),
      { offset: mod.i32.const(data.base), data: data.bytes(), passive: false },
    ],
    false,
    false,
    rt.memoryInternal,
  );
  // setMemory redefines the memory; make it the host's `env.memory` again (still exported as `memory`).
  mod.addMemoryImport(rt.memoryInternal, MEMORY_MODULE, MEMORY_NAME);

  if (!mod.validate()) throw compileError('generated module failed validation');
  if (options.optimize !== false) {
    // The runtime arrives optimised: optimise only the generated functions, then drop unused runtime code.
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    for (const name of generated) mod.optimizeFunction(name);
    mod.runPasses(['remove-unused-module-elements']);
    if (!mod.validate()) throw compileError('optimised module failed validation');
  }
  const wasm = mod.emitBinary();
  return { wasm, hostBuiltins: Object.keys(hostIds), entrypoints, warnings };
}
