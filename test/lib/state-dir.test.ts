import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveStateDir } from '../../lib/state-dir.js';

test('state dir precedence: flag, then PALISADE_HOME, then ./.palisade', () => {
  assert.equal(resolveStateDir({ cwd: '/w', env: {} }), '/w/.palisade');
  assert.equal(resolveStateDir({ cwd: '/w', env: { PALISADE_HOME: '/h' } }), '/h');
  assert.equal(resolveStateDir({ cwd: '/w', env: { PALISADE_HOME: 'rel' } }), '/w/rel');
  assert.equal(resolveStateDir({ cwd: '/w', env: { PALISADE_HOME: '/h' }, flag: 'f' }), '/w/f');
  assert.equal(resolveStateDir({ cwd: '/w', env: { PALISADE_HOME: '  ' } }), '/w/.palisade');
});
