/**
 * The IR evaluator statement by statement: control flow (undefined, BreakStmt, Scan, Not, With), values,
 * calls, memoisation, conflicts and builtin errors, against hand-built plans.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BuiltinError } from '../../../policy/builtins/index.js';
import { type EvalBuiltin, evaluatePlan } from '../../../policy/eval/index.js';
import type { Block, Policy } from '../../../policy/ir/ir.js';
import {
  fromJS,
  numberFromLiteral,
  ObjectValue,
  SetValue,
  toRegoString,
  type Value,
} from '../../../policy/value/index.js';
import { B, blk, doc, emit, L, S, st } from './ir-builder.js';

/** The `x` bindings a plan produces, rendered as Rego. */
function xs(policy: Policy, opts: Parameters<typeof evaluatePlan>[1] = {}): string {
  return toRegoString(evaluatePlan(policy, opts).map((r) => r.get('x') as Value));
}

test('control flow', () => {
  const cases: { note: string; strings?: string[]; blocks: Block[]; want: string; input?: unknown }[] = [
    {
      note: 'an undefined statement ends its block; the next block still runs',
      strings: ['missing'],
      blocks: [
        blk(st('DotStmt', { source: L(1), key: S(1), target: 2 }), ...emit(2)),
        blk(st('MakeNumberIntStmt', { value: 1, target: 3 }), ...emit(3)),
      ],
      want: '[1]',
    },
    {
      note: 'BreakStmt{0} leaves only its own block',
      blocks: [
        blk(
          st('BlockStmt', { blocks: [blk(st('BreakStmt', { index: 0 }), ...emit(0))] }),
          st('MakeNumberIntStmt', { value: 2, target: 3 }),
          ...emit(3),
        ),
      ],
      want: '[2]',
    },
    {
      note: 'BreakStmt{1} also leaves the enclosing block',
      blocks: [
        blk(
          st('BlockStmt', { blocks: [blk(st('BreakStmt', { index: 1 }))] }),
          st('MakeNumberIntStmt', { value: 2, target: 3 }),
          ...emit(3),
        ),
        blk(st('MakeNumberIntStmt', { value: 3, target: 3 }), ...emit(3)),
      ],
      want: '[3]',
    },
    {
      note: 'ScanStmt visits arrays in order; undefined ends one iteration only',
      input: [1, 2, 3],
      blocks: [
        blk(
          st('MakeNumberIntStmt', { value: 2, target: 5 }),
          st('ScanStmt', {
            source: 0,
            key: 2,
            value: 3,
            block: blk(st('NotEqualStmt', { a: L(3), b: L(5) }), ...emit(3)),
          }),
        ),
      ],
      want: '[1, 3]',
    },
    {
      note: 'ScanStmt: BreakStmt{1} in the body stops the scan and continues after it',
      input: [1, 2, 3],
      blocks: [
        blk(
          st('ScanStmt', {
            source: 0,
            key: 2,
            value: 3,
            block: blk(...emit(3), st('BreakStmt', { index: 1 })),
          }),
          st('MakeNumberIntStmt', { value: 9, target: 4 }),
          ...emit(4),
        ),
      ],
      want: '[1, 9]',
    },
    {
      note: 'ScanStmt over objects (sorted keys) and sets; scalars scan nothing',
      input: { b: 2, a: 1 },
      blocks: [
        blk(st('ScanStmt', { source: 0, key: 2, value: 3, block: blk(...emit(2)) })),
        blk(
          st('MakeNumberIntStmt', { value: 7, target: 4 }),
          st('ScanStmt', { source: 4, key: 2, value: 3, block: blk(...emit(2)) }),
        ),
      ],
      want: '["a", "b"]',
    },
    {
      note: 'NotStmt is defined iff its block is undefined',
      blocks: [
        blk(
          st('NotStmt', { block: blk(st('EqualStmt', { a: B(true), b: B(false) })) }),
          st('MakeNumberIntStmt', { value: 1, target: 2 }),
          ...emit(2),
        ),
        blk(
          st('NotStmt', { block: blk(st('EqualStmt', { a: B(true), b: B(true) })) }),
          st('MakeNumberIntStmt', { value: 2, target: 2 }),
          ...emit(2),
        ),
      ],
      want: '[1]',
    },
    {
      note: 'IsDefined / IsUndefined / ResetLocal',
      blocks: [
        blk(
          st('MakeNullStmt', { target: 2 }),
          st('ResetLocalStmt', { target: 2 }),
          st('IsUndefinedStmt', { source: 2 }),
          st('MakeNumberIntStmt', { value: 1, target: 3 }),
          ...emit(3),
        ),
        blk(st('IsDefinedStmt', { source: 0 }), ...emit(0)),
      ],
      want: '[1]',
    },
  ];
  for (const c of cases) {
    const input = c.input === undefined ? undefined : fromJS(c.input);
    assert.equal(xs(doc(c.strings ?? [], c.blocks), { input }), c.want, c.note);
  }
});

test('values: constants, collections, length, dot, merge', () => {
  const p = doc(
    ['a', '123456789012345678901234567890', 'héllo😀'],
    [
      blk(
        st('MakeNumberRefStmt', { Index: 2, target: 2 }),
        st('MakeArrayStmt', { capacity: 2, target: 3 }),
        st('ArrayAppendStmt', { array: 3, value: L(2) }),
        st('MakeSetStmt', { target: 4 }),
        st('SetAddStmt', { set: 4, value: S(1) }),
        st('SetAddStmt', { set: 4, value: S(1) }),
        st('ArrayAppendStmt', { array: 3, value: L(4) }),
        st('LenStmt', { source: S(3), target: 5 }),
        st('ArrayAppendStmt', { array: 3, value: L(5) }),
        st('DotStmt', { source: L(4), key: S(1), target: 6 }),
        st('ArrayAppendStmt', { array: 3, value: L(6) }),
        st('AssignIntStmt', { value: 0, target: 7 }),
        st('DotStmt', { source: L(3), key: L(7), target: 8 }),
        st('ArrayAppendStmt', { array: 3, value: L(8) }),
        ...emit(3),
      ),
    ],
  );
  assert.equal(xs(p), '[[123456789012345678901234567890, {"a"}, 6, "a", 123456789012345678901234567890]]');
  const merge = doc(
    ['k', 'j'],
    [
      blk(
        st('MakeObjectStmt', { target: 2 }),
        st('ObjectInsertStmt', { object: 2, key: S(1), value: B(false) }),
        st('ObjectInsertStmt', { object: 2, key: S(2), value: B(true) }),
        st('ObjectMergeStmt', { a: 0, b: 2, target: 3 }),
        ...emit(3),
      ),
    ],
  );
  assert.equal(
    xs(merge, { input: fromJS({ k: 'base', z: 1 }) }),
    '[{"j": true, "k": "base", "z": 1}]',
    'base wins',
  );
});

test('result set drops duplicate bindings and keeps order', () => {
  const p = doc([], [blk(st('ScanStmt', { source: 0, key: 2, value: 3, block: blk(...emit(3)) }))]);
  assert.equal(xs(p, { input: fromJS([2, 1, 2]) }), '[2, 1]');
});

// --- functions, memoisation, dynamic calls ---

const rule = (name: string, blocks: Block[], params = [0, 1], ret = 2) => ({
  name,
  params,
  return: ret,
  blocks,
  path: name.replace('.data', '').split('.'),
});

test('rules are memoised per with-scope; with replaces input at a path and restores it', () => {
  const calls: string[] = [];
  const p = doc(
    ['user'],
    [
      blk(
        st('CallStmt', { func: 'g0.data.t.r', args: [L(0), L(1)], result: 2 }),
        st('CallStmt', { func: 'g0.data.t.r', args: [L(0), L(1)], result: 3 }),
        st('MakeNumberIntStmt', { value: 5, target: 4 }),
        st('WithStmt', {
          local: 0,
          path: [1],
          value: L(4),
          block: blk(st('CallStmt', { func: 'g0.data.t.r', args: [L(0), L(1)], result: 5 })),
        }),
        st('CallStmt', { func: 'g0.data.t.r', args: [L(0), L(1)], result: 6 }),
        st('MakeArrayStmt', { capacity: 4, target: 7 }),
        ...[2, 3, 5, 6].map((l) => st('ArrayAppendStmt', { array: 7, value: L(l) })),
        ...emit(7),
      ),
    ],
    [
      rule('g0.data.t.r', [
        blk(st('DotStmt', { source: L(0), key: S(1), target: 2 }), st('ReturnLocalStmt', { source: 2 })),
      ]),
    ],
  );
  const out = xs(p, {
    input: fromJS({ user: 1 }),
    tracer: { exit: (f, _r, _d, memo) => calls.push(`${f}${memo ? ' (memo)' : ''}`) },
  });
  assert.equal(out, '[[1, 1, 5, 1]]');
  assert.deepEqual(calls, ['g0.data.t.r', 'g0.data.t.r (memo)', 'g0.data.t.r', 'g0.data.t.r (memo)']);
});

test('CallDynamicStmt dispatches on the path; an unknown path is undefined', () => {
  const f = rule('g0.data.t.a', [blk(st('MakeNumberIntStmt', { value: 7, target: 2 }))]);
  const p = doc(
    ['g0', 't', 'a', 'nope'],
    [
      blk(st('CallDynamicStmt', { path: [S(1), S(2), S(3)], args: [0, 1], result: 2 }), ...emit(2)),
      blk(st('CallDynamicStmt', { path: [S(1), S(2), S(4)], args: [0, 1], result: 2 }), ...emit(2)),
    ],
    [f],
  );
  assert.equal(xs(p), '[7]');
});

// --- errors ---

test('conflicts raise eval_conflict_error with OPA messages', () => {
  const twice = (target: number) => [
    st('MakeNumberIntStmt', { value: 1, target: 10 }),
    st('MakeNumberIntStmt', { value: 2, target: 11 }),
    st('AssignVarOnceStmt', { source: L(10), target }),
    st('AssignVarOnceStmt', { source: L(11), target }, 3),
  ];
  const cases: { note: string; policy: Policy; message: string }[] = [
    {
      note: 'complete rule',
      policy: doc(
        [],
        [blk(st('CallStmt', { func: 'g0.data.t.p', args: [L(0), L(1)], result: 2 }))],
        [rule('g0.data.t.p', [blk(...twice(2))])],
      ),
      message: 'test.rego:3: eval_conflict_error: complete rules must not produce multiple outputs',
    },
    {
      note: 'function',
      policy: doc(
        [],
        [blk(st('CallStmt', { func: 'g0.data.t.f', args: [L(0), L(1), B(true)], result: 2 }))],
        [rule('g0.data.t.f', [blk(...twice(3))], [0, 1, 2], 3)],
      ),
      message:
        'test.rego:3: eval_conflict_error: functions must not produce multiple outputs for same inputs',
    },
    {
      note: 'object key',
      policy: doc(
        ['k'],
        [
          blk(
            st('MakeObjectStmt', { target: 2 }),
            st('ObjectInsertOnceStmt', { object: 2, key: S(1), value: B(true) }),
            st('ObjectInsertOnceStmt', { object: 2, key: S(1), value: B(true) }),
            st('ObjectInsertOnceStmt', { object: 2, key: S(1), value: B(false) }, 4),
          ),
        ],
      ),
      message: 'test.rego:4: eval_conflict_error: object keys must be unique',
    },
  ];
  for (const c of cases) {
    assert.throws(
      () => evaluatePlan(c.policy),
      { code: 'ERR_POLICY_EVAL', regoCode: 'eval_conflict_error', message: c.message },
      c.note,
    );
  }
});

test('builtin errors: undefined by default, raised in strict mode, always raised on halt', () => {
  const failing = (halt: boolean): EvalBuiltin => ({
    name: 'boom',
    impl: () => {
      throw Object.assign(new BuiltinError('boom: it broke', { halt }), { builtin: 'boom' });
    },
  });
  const p = doc([], [blk(st('CallStmt', { func: 'boom', args: [L(1)], result: 2 }, 2), ...emit(2))]);
  assert.equal(xs(p, { builtins: () => failing(false) }), '[]');
  assert.throws(() => evaluatePlan(p, { builtins: () => failing(false), strictBuiltinErrors: true }), {
    code: 'ERR_POLICY_EVAL',
    regoCode: 'eval_builtin_error',
    message: 'test.rego:2: eval_builtin_error: boom: it broke',
  });
  assert.throws(() => evaluatePlan(p, { builtins: () => failing(true) }), { regoCode: 'eval_builtin_error' });
  assert.throws(() => evaluatePlan(p, { builtins: () => undefined }), {
    regoCode: 'eval_internal_error',
    message: 'test.rego:2: eval_internal_error: unknown function boom',
  });
});

test('real builtins come from the registry by default', () => {
  const p = doc([], [blk(st('CallStmt', { func: 'count', args: [L(0)], result: 2 }), ...emit(2))]);
  assert.equal(xs(p, { input: SetValue.from([1, 2, 3]) }), '[3]');
  assert.equal(xs(p, { input: new ObjectValue() }), '[0]');
  assert.equal(xs(p, { input: numberFromLiteral('1') }), '[]', 'type error is undefined without strict mode');
});

test('plan selection', () => {
  const p = doc([], [blk()], [], 'authz/allow');
  assert.deepEqual(evaluatePlan(p, { plan: 'authz/allow' }), []);
  assert.throws(() => evaluatePlan(p, { plan: 'nope' }), {
    code: 'ERR_POLICY_EVAL',
    message: 'eval_internal_error: no plan named "nope" (plans: authz/allow)',
  });
});
