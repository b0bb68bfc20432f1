/**
 * @module Strict mode's "unused argument" check (OPA's `opa check --strict`): a function argument that no
 * body or head value of the rule's else chain reads is an error at the argument; wildcards, arguments
 * repeated among the arguments and arguments read by any else branch are not. Non-strict compiles,
 * the default, accept all of them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileModules } from '../../../../policy/compile/index.js';
import { runCli } from '../../../helpers/cli.js';

const HINT = '. (hint: use _ (wildcard variable) instead)';

/** [message, row, col] of every error of a strict compile of `text` (ok → []). */
function strictErrors(text: string): [string, number | undefined, number | undefined][] {
  const r = compileModules([{ path: 'f.rego', text }], { strict: true });
  return r.ok ? [] : r.errors.map((e) => [e.message, e.location?.row, e.location?.col]);
}

describe('strict mode: unused function arguments', () => {
  it('reports each argument never read, at the argument', () => {
    const text = 'package f\n\nf(x, y) := y\n\ng(a, b) if {\n\tc := 1\n\tc > 0\n}\n';
    assert.ok(compileModules([{ path: 'f.rego', text }]).ok, 'non-strict accepts unused arguments');
    assert.deepEqual(strictErrors(text), [
      [`unused argument x${HINT}`, 3, 3],
      [`unused argument a${HINT}`, 5, 3],
      [`unused argument b${HINT}`, 5, 6],
    ]);
  });

  it('reports a variable of a destructured argument that is never read', () => {
    assert.deepEqual(strictErrors('package f\n\nf([a, b]) := a\n\ng({"k": v}) := 1\n'), [
      [`unused argument b${HINT}`, 3, 7],
      [`unused argument v${HINT}`, 5, 9],
    ]);
  });

  it('exempts wildcards and arguments written twice (an equality constraint)', () => {
    assert.deepEqual(strictErrors('package f\n\nf(_, x, x) := 1\n\ng(_) if true\n'), []);
  });

  it('counts reads in the body, the head value, comprehensions, every, with and any else branch', () => {
    const text = `package f

a(x) if x > 1

b(x) := [y | some y in x]

c(x) if {
	every e in [1] { e < x }
}

d(x) if {
	input.p with input as x
}

e(x) := 1 if {
	false
} else := x

g(x) := {k: 1 | some k in ["a"]; k != x}
`;
    assert.deepEqual(strictErrors(text), []);
  });

  it('reports an argument that only an inner declaration of the same name reads in the body', () => {
    // The comprehension's `x :=` declares a new variable; the argument itself stays unread.
    assert.deepEqual(strictErrors('package f\n\nf(x) if {\n\tcount([x | x := 1]) > 0\n}\n'), [
      [`unused argument x${HINT}`, 3, 3],
    ]);
    // In the head value OPA counts any variable of the argument's name as a read; so do we.
    assert.deepEqual(strictErrors('package f\n\nf(x) := [x | x := 1]\n'), []);
  });

  it('leaves an argument named input to the root-shadowing error', () => {
    assert.deepEqual(strictErrors('package f\n\nf(input) := 1\n'), [
      ['args must not shadow input (use a different variable name)', 3, 3],
    ]);
  });

  it('`policy check --strict` prints it; `policy check` does not', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rego-unused-arg-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'f.rego');
    writeFileSync(file, 'package f\n\nallowed(user, action) if user == "admin"\n');
    const plain = await runCli(['policy', 'check', file]);
    assert.equal(plain.code, 0, plain.stdout + plain.stderr);
    const strict = await runCli(['policy', 'check', '--strict', file]);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /f\.rego:3:15: rego_compile_error: unused argument action\. \(hint/);
  });
});
