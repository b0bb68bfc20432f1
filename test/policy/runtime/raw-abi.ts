/**
 * @module Test kit: instantiate a policy module directly on the ABI (no SDK) to exercise runtime exports.
 */
import { compileToWasm } from '../../../policy/codegen/index.js';
import type { Policy } from '../../../policy/ir/ir.js';

type Fn = (...a: number[]) => number;

export interface RawModule {
  readonly exports: Record<string, Fn>;
  readonly memory: { buffer: ArrayBuffer; grow(pages: number): number };
  /** Copy text into the heap (opa_malloc) and return [addr, len]. */
  put(text: string): [number, number];
  /** Read a NUL-terminated UTF-8 string. */
  str(addr: number): string;
  parseJson(text: string): number;
  parseValue(text: string): number;
  dumpJson(v: number): string;
  dumpValue(v: number): string;
}

const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (d: { initial: number }) => RawModule['memory'];
      instantiate(b: Uint8Array, i: object): Promise<{ instance: { exports: Record<string, Fn> } }>;
    };
  }
).WebAssembly;

/** A module with one empty plan: enough to reach every runtime export. */
export const EMPTY_PLAN: Policy = { plans: { plans: [{ name: 'p', blocks: [] }] } };

export async function rawModule(policy: Policy = EMPTY_PLAN): Promise<RawModule> {
  const { wasm } = compileToWasm(policy);
  const memory = new WA.Memory({ initial: 2 });
  const aborts: string[] = [];
  const read = (addr: number): string => {
    const b = new Uint8Array(memory.buffer);
    let e = addr;
    while (b[e] !== 0) e++;
    return new TextDecoder().decode(b.subarray(addr, e));
  };
  const { instance } = await WA.instantiate(wasm, {
    env: {
      memory,
      opa_abort: (addr: number) => {
        aborts.push(read(addr));
        throw new Error(read(addr));
      },
    },
  });
  const ex = instance.exports;
  const put = (text: string): [number, number] => {
    const bytes = new TextEncoder().encode(text);
    const addr = ex.opa_malloc!(bytes.length);
    new Uint8Array(memory.buffer).set(bytes, addr);
    return [addr, bytes.length];
  };
  return {
    exports: ex,
    memory,
    put,
    str: read,
    parseJson: (t) => ex.opa_json_parse!(...put(t)),
    parseValue: (t) => ex.opa_value_parse!(...put(t)),
    dumpJson: (v) => read(ex.opa_json_dump!(v)),
    dumpValue: (v) => read(ex.opa_value_dump!(v)),
  };
}
