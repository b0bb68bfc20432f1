/**
 * @module The slice of the WebAssembly JS API tests use (the project's TypeScript lib has no DOM types).
 */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<object>;
  Module: {
    exports(m: object): { name: string; kind: string }[];
    imports(m: object): { module: string; name: string; kind: string }[];
  };
}

export const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
