/**
 * Judging a case the way OPA's harness does: result comparison as JSON, sort_bindings, error codes and
 * message substrings, and the Wasm target's rules.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CaseResult, judge } from '../../../policy/conformance/expect.js';
import type { ConformanceCase } from '../../../policy/conformance/suite.js';
import { fromJS, SetValue, type Value } from '../../../policy/value/index.js';

function kase(over: Partial<ConformanceCase>): ConformanceCase {
  return {
    note: 'n',
    dir: 'd',
    file: 'd/f.yaml',
    index: 0,
    query: 'data.test.p = x',
    modules: [],
    data: undefined,
    input: undefined,
    inputTerm: undefined,
    wantResult: undefined,
    wantErrorCode: undefined,
    wantError: undefined,
    sortBindings: false,
    strictError: false,
    ignoreGeneratedVars: false,
    ...over,
  };
}
const rs = (...xs: Value[]): CaseResult => ({ kind: 'result', resultSet: xs.map((x) => fromJS({ x })) });
const err = (code: string, message: string): CaseResult => ({ kind: 'error', code, message });
const want = (...xs: unknown[]) => xs.map((x) => fromJS({ x }));

test('judge', () => {
  const cases: {
    note: string;
    c: ConformanceCase;
    got: CaseResult;
    target?: 'ir' | 'wasm';
    pass: boolean;
  }[] = [
    { note: 'equal results', c: kase({ wantResult: want(1) }), got: rs(1), pass: true },
    {
      note: 'sets compare as sorted arrays',
      c: kase({ wantResult: want([1, 2]) }),
      got: rs(SetValue.from([2, 1])),
      pass: true,
    },
    {
      note: 'order matters without sort_bindings',
      c: kase({ wantResult: want(1, 2) }),
      got: rs(2, 1),
      pass: false,
    },
    {
      note: 'sort_bindings ignores order',
      c: kase({ wantResult: want(1, 2), sortBindings: true }),
      got: rs(2, 1),
      pass: true,
    },
    {
      note: 'sort_bindings sorts arrays in bindings',
      c: kase({ wantResult: want([[], {}]), sortBindings: true }),
      got: rs([{}, []] as Value),
      pass: true,
    },
    { note: 'undefined', c: kase({ wantResult: [] }), got: rs(), pass: true },
    {
      note: 'unexpected error',
      c: kase({ wantResult: want(1) }),
      got: err('eval_builtin_error', 'x'),
      pass: false,
    },
    {
      note: 'error code and message',
      c: kase({ wantErrorCode: 'eval_conflict_error', wantError: 'multiple outputs' }),
      got: err(
        'eval_conflict_error',
        'a.rego:1: eval_conflict_error: complete rules must not produce multiple outputs',
      ),
      pass: true,
    },
    {
      note: 'wrong code',
      c: kase({ wantErrorCode: 'eval_type_error' }),
      got: err('eval_builtin_error', 'x'),
      pass: false,
    },
    {
      note: 'wrong message',
      c: kase({ wantError: 'abc' }),
      got: err('eval_builtin_error', 'xyz'),
      pass: false,
    },
    {
      // the Wasm target runs strict cases with strict builtin errors too
      note: 'wasm: a strict builtin error must be an error',
      c: kase({ wantErrorCode: 'eval_builtin_error', strictError: true }),
      got: rs(),
      target: 'wasm',
      pass: false,
    },
    {
      note: 'wasm: a strict builtin error with its message',
      c: kase({ wantErrorCode: 'eval_builtin_error', wantError: 'div: divide by zero', strictError: true }),
      got: err('wasm', 'eval_builtin_error: div: divide by zero'),
      target: 'wasm',
      pass: true,
    },
    {
      note: 'wasm: conflict message',
      c: kase({
        wantErrorCode: 'eval_conflict_error',
        wantError: 'complete rules must not produce multiple outputs',
      }),
      got: err('wasm', 'test-0.rego:3:1: var assignment conflict'),
      target: 'wasm',
      pass: true,
    },
    {
      note: 'wasm: conflict of an object key',
      c: kase({ wantErrorCode: 'eval_conflict_error', wantError: 'object keys must be unique' }),
      got: err('wasm', 'test-0.rego:3:1: var assignment conflict'),
      target: 'wasm',
      pass: false,
    },
    {
      note: 'wasm: conflict without a message checks no message',
      c: kase({ wantErrorCode: 'eval_conflict_error' }),
      got: err('wasm', 'test-0.rego:7:1: object insert conflict'),
      target: 'wasm',
      pass: true,
    },
  ];
  for (const c of cases) {
    const reason = judge(c.c, c.got, c.target ?? 'ir');
    assert.equal(reason === undefined, c.pass, `${c.note}: ${reason}`);
  }
});
