/**
 * @module The on-demand builtin loader: the generated family index matches families.ts (regenerate with
 * `node scripts/gen-builtin-family-index.mjs` after `npm run build:test` when this fails), each family loader
 * yields the registry's own table, and loaded definitions behave as the registry's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAMILIES } from '../../../policy/builtins/families.js';
import { FAMILY_LOADERS, FAMILY_OF } from '../../../policy/builtins/family-index.js';
import { loadBuiltinDefs } from '../../../policy/builtins/family-loader.js';
import { lookupBuiltin } from '../../../policy/builtins/index.js';
import { fromJS } from '../../../policy/value/index.js';
import { context } from './harness.js';

test('the family index names the family of every implemented builtin, and nothing else', () => {
  const expected: Record<string, string> = {};
  for (const [family, table] of Object.entries(FAMILIES)) {
    for (const name of Object.keys(table)) expected[name] = family;
  }
  assert.deepEqual({ ...FAMILY_OF }, expected, 'family-index.ts is stale: regenerate it');
});

test('each family loader yields the same table the registry is built from', async () => {
  assert.deepEqual(Object.keys(FAMILY_LOADERS).sort(), Object.keys(FAMILIES).sort());
  for (const [family, load] of Object.entries(FAMILY_LOADERS)) {
    assert.equal(await load(), FAMILIES[family], `loader of ${family}`);
  }
});

test('loaded definitions match the registry and unknown names are left out', async () => {
  const names = ['sprintf', 'graphql.is_valid', 'regex.match', 'no.such_builtin'];
  const defs = await loadBuiltinDefs(names);
  assert.deepEqual([...defs.keys()], ['sprintf', 'graphql.is_valid', 'regex.match']);
  for (const [name, def] of defs) {
    const full = lookupBuiltin(name);
    assert.ok(full, name);
    const { impl: _a, ...shape } = def;
    const { impl: _b, ...fullShape } = full;
    assert.deepEqual(shape, fullShape, name);
  }
  const sprintf = defs.get('sprintf');
  const args = [fromJS('%s-%d'), fromJS(['a', 1])];
  assert.deepEqual(sprintf?.impl(args, context()), lookupBuiltin('sprintf')?.impl(args, context()));
  // Errors are prefixed with the builtin's name as the registry's are.
  assert.throws(
    () => sprintf?.impl([fromJS('%s'), fromJS('not an array')], context()),
    (e: Error & { code?: string }) => e.code === 'ERR_POLICY_BUILTIN' && e.message.startsWith('sprintf: '),
  );
});
