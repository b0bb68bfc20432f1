/**
 * @module Checks the declaration table against the decls OPA itself wrote into the conformance plans
 * (../shared/opa-ir), and that the registry is consistent with it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { allBuiltins, builtinDecl, lookupBuiltin } from '../../../policy/builtins/index.js';
import { sharedDir } from './harness.js';

/** OPA's decl without the prose (descriptions), which Palisade does not carry. */
function stripDescriptions(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripDescriptions);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'description') out[k] = stripDescriptions(v);
    return out;
  }
  return x;
}

function planDecls(dir: string): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const sub of readdirSync(dir)) {
    const subDir = path.join(dir, sub);
    for (const file of readdirSync(subDir)) {
      if (!file.endsWith('.json')) continue;
      const doc = JSON.parse(readFileSync(path.join(subDir, file), 'utf8')) as {
        cases?: { plan?: { static?: { builtin_funcs?: { name: string; decl: unknown }[] } } }[];
      };
      for (const c of doc.cases ?? []) {
        for (const b of c.plan?.static?.builtin_funcs ?? []) found.set(b.name, b.decl);
      }
    }
  }
  return found;
}

test('every decl matches the one OPA put in the conformance plans', (t) => {
  const dir = sharedDir('opa-ir/v1');
  if (dir === undefined) {
    t.skip('../shared/opa-ir is absent');
    return;
  }
  const opa = planDecls(dir);
  assert.ok(opa.size > 150, 'plans name the builtins they use');
  for (const [name, decl] of opa) {
    const ours = builtinDecl(name);
    assert.ok(ours, `${name} has a declaration`);
    assert.deepEqual(ours, stripDescriptions(decl), `${name}: declaration differs from OPA's`);
  }
});

test('registry entries carry their decl, arity and infix', () => {
  const plus = lookupBuiltin('plus');
  assert.ok(plus);
  assert.equal(plus.arity, 2);
  assert.equal(plus.infix, '+');
  assert.equal(plus.family, 'numbers');
  assert.equal(lookupBuiltin('no.such.builtin'), undefined);
  const names = [...allBuiltins()].map((b) => b.name);
  assert.deepEqual(names, [...names].sort(), 'allBuiltins is sorted by name');
  for (const def of allBuiltins())
    assert.equal(def.decl.type, 'function', `${def.name} decl is a function type`);
});
