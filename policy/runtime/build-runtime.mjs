#!/usr/bin/env node
// Builds the Palisade Wasm runtime library (policy/runtime/assembly → policy/runtime/runtime.wasm) with the
// AssemblyScript compiler. Run by `npm run build:runtime` (part of `npm run build`, so `npm install` builds
// it). Usage: node policy/runtime/build-runtime.mjs [output.wasm]
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = process.argv[2] ?? here('./runtime.wasm');

// The flags are part of the runtime's contract with codegen (policy/codegen/link-runtime.ts):
// - imported env.memory (OPA hosts create the memory);
// - the stub runtime and no AssemblyScript abort import: the runtime never allocates managed objects and
//   reports errors through opa_abort itself;
// - release optimisation without assertions.
const args = [
  here('./assembly/index.ts'),
  '--outFile',
  out,
  '--importMemory',
  '--runtime',
  'stub',
  '--use',
  'abort=',
  '-O3',
  '--noAssert',
];

const { error, stderr } = await asc.main(args);
if (error) {
  process.stderr.write(`build-runtime: ${error.message}\n${stderr.toString()}`);
  process.exit(1);
}
