/**
 * @module Tests for the Wasm code generator: ABI surface, validation, host builtins, errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ABI_EXPORTS, compileToWasm } from '../../../policy/codegen/index.js';
import type { Policy } from '../../../policy/ir/ir.js';
import { planRego } from '../wasm/rego-fixture.js';
import { Wasm } from '../wasm/webassembly.js';

const pos = { file: 0, row: 1, col: 1 };

/** `plan p`: result {"x": <string 0>}. */
const tiny: Policy = {
  static: { strings: [{ value: 'x' }, { value: 'hello' }] },
  plans: {
    plans: [
      {
        name: 'p',
        blocks: [
          {
            stmts: [
              { type: 'MakeObjectStmt', stmt: { target: 2, ...pos } },
              {
                type: 'ObjectInsertStmt',
                stmt: {
                  object: 2,
                  key: { type: 'string_index', value: 0 },
                  value: { type: 'string_index', value: 1 },
                  ...pos,
                },
              },
              { type: 'ResultSetAddStmt', stmt: { value: 2, ...pos } },
            ],
          },
        ],
      },
    ],
  },
};

describe('compileToWasm', () => {
  it('emits a valid module with every ABI export, imported memory and the version globals', async () => {
    const { wasm, entrypoints, hostBuiltins } = compileToWasm(tiny);
    assert.ok(Wasm.validate(wasm));
    const mod = await Wasm.compile(wasm);
    const exports = new Set(Wasm.Module.exports(mod).map((e) => e.name));
    for (const name of [...ABI_EXPORTS, 'memory', 'opa_wasm_abi_version', 'opa_wasm_abi_minor_version']) {
      assert.ok(exports.has(name), `missing export ${name}`);
    }
    // helper exports of the runtime are not part of the module's surface
    assert.deepEqual(
      [...exports].filter((n) => n.startsWith('rt_') || n.startsWith('bi_')),
      [],
    );
    const imports = Wasm.Module.imports(mod).map((i) => `${i.module}.${i.name}:${i.kind}`);
    assert.ok(imports.includes('env.memory:memory'));
    assert.deepEqual(entrypoints, { p: 0 });
    assert.deepEqual(hostBuiltins, []);
  });

  it('routes builtins the runtime lacks to the host and lists them', () => {
    const plan = planRego(
      { 'a.rego': 'package a\nimport rego.v1\nx := base64.encode(input.s)\ny := count(input.l)\n' },
      ['a/x', 'a/y'],
    );
    const out = compileToWasm(plan);
    assert.deepEqual(out.hostBuiltins, ['base64.encode']);
    assert.match(out.warnings.join('\n'), /base64\.encode is not native/);
    assert.deepEqual(out.entrypoints, { 'a/x': 0, 'a/y': 1 });
  });

  it('sends every builtin to the host when native builtins are off', () => {
    const plan = planRego({ 'a.rego': 'package a\nimport rego.v1\ny := count(input.l)\n' }, ['a/y']);
    assert.deepEqual(compileToWasm(plan, { nativeBuiltins: false }).hostBuiltins, ['count']);
  });

  const bad: { note: string; policy: Policy; message: RegExp }[] = [
    { note: 'no plans', policy: { plans: { plans: [] } }, message: /no entrypoints/ },
    {
      note: 'call to an unknown function',
      policy: {
        plans: {
          plans: [
            {
              name: 'p',
              blocks: [
                { stmts: [{ type: 'CallStmt', stmt: { func: 'nope', args: [], result: 2, ...pos } }] },
              ],
            },
          ],
        },
      },
      message: /unknown function nope/,
    },
    {
      note: 'string index out of range',
      policy: {
        plans: {
          plans: [
            {
              name: 'p',
              blocks: [
                {
                  stmts: [
                    {
                      type: 'AssignVarStmt',
                      stmt: { source: { type: 'string_index', value: 3 }, target: 2, ...pos },
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
      message: /string index 3 is out of range/,
    },
    {
      note: 'host builtin with five arguments',
      policy: {
        static: { builtin_funcs: [{ name: 'five.args', decl: {} }] },
        plans: {
          plans: [
            {
              name: 'p',
              blocks: [
                {
                  stmts: [
                    {
                      type: 'CallStmt',
                      stmt: {
                        func: 'five.args',
                        args: [0, 0, 0, 0, 0].map(() => ({ type: 'local', value: 0 }) as const),
                        result: 2,
                        ...pos,
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
      message: /host builtins take at most 4/,
    },
  ];
  for (const c of bad) {
    it(`rejects: ${c.note}`, () => {
      assert.throws(
        () => compileToWasm(c.policy),
        (err: Error & { code?: string }) =>
          err.code === 'ERR_POLICY_WASM_COMPILE' && c.message.test(err.message),
      );
    });
  }
});
