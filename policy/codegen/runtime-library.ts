/**
 * @module The compiled Palisade runtime (policy/runtime/runtime.wasm, built from policy/runtime/assembly by
 * `npm run build:runtime`): where to find it and the helper exports codegen links against. Codegen layer.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PolicyError } from '../errors.js';

/**
 * The runtime is committed beside its source (and regenerated on `npm install`); from dist/ the same path
 * resolves through the repository root.
 */
const CANDIDATES = [
  new URL('../runtime/runtime.wasm', import.meta.url),
  new URL('../../../policy/runtime/runtime.wasm', import.meta.url),
];

let cached: Uint8Array | undefined;

/** The runtime module's bytes (read once per process). */
export function runtimeWasm(): Uint8Array {
  if (cached) return cached;
  for (const url of CANDIDATES) {
    try {
      cached = new Uint8Array(readFileSync(fileURLToPath(url)));
      return cached;
    } catch {
      // try the next location
    }
  }
  throw new PolicyError(
    'ERR_POLICY_WASM_RUNTIME',
    'the Wasm runtime library policy/runtime/runtime.wasm is missing; run `npm run build:runtime`',
  );
}

/** Value-type tags of the runtime's layout (policy/runtime/assembly/value.ts). */
export const T_NULL = 1;
export const T_BOOLEAN = 2;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_ARRAY = 5;
export const T_SET = 6;
export const T_OBJECT = 7;
export const N_INT = 1;
export const N_REF = 3;

/** Export name of the runtime's native implementation of a builtin (`net.cidr_contains` → `bi_net__cidr_contains`). */
export function nativeBuiltinExport(name: string): string {
  return `bi_${name.replaceAll('.', '__')}`;
}

/** Exported runtime globals codegen rewrites. */
export const RT_HEAP_TOP = 'rt_heap_top';
export const RT_MEMO_SLOTS = 'rt_memo_slots';
/** The runtime's import that codegen replaces with the policy's entrypoint switch. */
export const RT_PLAN_DISPATCH = { module: 'palisade', base: 'plan_dispatch' } as const;
