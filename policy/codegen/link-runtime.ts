/**
 * @module Linking against the runtime module read by binaryen: export lookup, the runtime's data segments,
 * replacing its `plan_dispatch` import, rewriting its heap/memo globals, and dropping helper exports.
 * Codegen layer.
 */
import binaryen from 'binaryen';
import { RT_HEAP_TOP, RT_MEMO_SLOTS, RT_PLAN_DISPATCH } from './runtime-library.js';

/** Wasm features the runtime uses; every current OPA host (Node 16+, wasmtime, wazero) supports them. */
const F = binaryen.Features as unknown as Record<string, number>;
export const RUNTIME_FEATURES =
  F.MVP! | F.BulkMemory! | (F.BulkMemoryOpt ?? 0) | F.SignExt! | F.MutableGlobals! | F.NontrappingFPToInt!;

export interface RuntimeModule {
  readonly mod: binaryen.Module;
  /** Export name → internal name. */
  readonly exports: Map<string, { kind: number; internal: string }>;
  /** First byte after the runtime's own static data. */
  readonly dataEnd: number;
  readonly segments: { offset: number; data: Uint8Array }[];
  readonly memoryInternal: string;
}

export function readRuntime(bytes: Uint8Array): RuntimeModule {
  const mod = binaryen.readBinary(bytes);
  mod.setFeatures(RUNTIME_FEATURES);
  const exports = new Map<string, { kind: number; internal: string }>();
  let memoryInternal = '';
  for (let i = 0; i < mod.getNumExports(); i++) {
    const info = binaryen.getExportInfo(mod.getExportByIndex(i));
    exports.set(info.name, { kind: info.kind, internal: info.value });
    if (info.kind === binaryen.ExternalMemory) memoryInternal = info.value;
  }
  const segments: { offset: number; data: Uint8Array }[] = [];
  let dataEnd = 0;
  // binaryen.js has Module#getNumDataSegments and #getDataSegmentInfo (absent from its typings)
  const withInfo = mod as unknown as {
    getNumDataSegments(): number;
    getDataSegmentInfo(r: unknown): { offset: number; data: ArrayBuffer };
  };
  for (let i = 0; i < withInfo.getNumDataSegments(); i++) {
    const info = withInfo.getDataSegmentInfo(mod.getDataSegmentByIndex(i));
    const data = new Uint8Array(info.data);
    segments.push({ offset: info.offset, data });
    dataEnd = Math.max(dataEnd, info.offset + data.length);
  }
  return { mod, exports, dataEnd, segments, memoryInternal };
}

/** Internal name of the runtime's `palisade.plan_dispatch` import. */
export function planDispatchName(mod: binaryen.Module): string {
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
    if (info.module === RT_PLAN_DISPATCH.module && info.base === RT_PLAN_DISPATCH.base) return info.name;
  }
  throw new Error('runtime has no plan_dispatch import');
}

/** Give a runtime global a new constant initialiser (heap start, memo size). */
export function rewriteGlobal(rt: RuntimeModule, exportName: string, value: number): void {
  const internal = rt.exports.get(exportName)?.internal;
  if (internal === undefined) throw new Error(`runtime does not export ${exportName}`);
  rt.mod.removeGlobal(internal);
  rt.mod.addGlobal(internal, binaryen.i32, true, rt.mod.i32.const(value));
}

/** The runtime's start function only set the heap top to its own data end; codegen sets it instead. */
export function clearStart(rt: RuntimeModule): void {
  const start = rt.mod.getStart();
  // binaryen.Function is a namespace at run time (typed as a Module member)
  const fn = (binaryen as unknown as { Function: { setBody(f: number, body: number): void } }).Function;
  if (start) fn.setBody(start, rt.mod.nop());
}

/** Drop every export that is not part of the ABI. */
export function dropHelperExports(rt: RuntimeModule, keep: ReadonlySet<string>): void {
  for (const name of rt.exports.keys()) {
    if (!keep.has(name)) rt.mod.removeExport(name);
  }
}

export const RUNTIME_GLOBALS = { heapTop: RT_HEAP_TOP, memoSlots: RT_MEMO_SLOTS } as const;
