// @module Per-evaluation memo of rule results (functions of (input, data) only), cleared on each
// evaluation and around `with`. Runtime layer.
import { calloc } from './heap';

// Number of memoised functions; codegen rewrites this initialiser.
export let memo_slots: u32 = 0;
let memo: usize = 0;

/** Forget everything (start of an evaluation, entering or leaving a `with` block). */
export function memo_reset(): void {
  memo = 0;
}

// Each slot: [u32 value]; 0 = not computed, 1 = computed but undefined, else the value.
export function rt_memo_get(fn: i32): usize {
  if (memo == 0 || <u32>fn >= memo_slots) return 0;
  return <usize>load<u32>(memo + (<usize>fn << 2));
}

export function rt_memo_set(fn: i32, v: usize): void {
  if (<u32>fn >= memo_slots) return;
  if (memo == 0) memo = calloc(<usize>memo_slots << 2);
  store<u32>(memo + (<usize>fn << 2), v == 0 ? 1 : <u32>v);
}

export function rt_memo_push(): usize {
  const m = memo;
  memo = 0;
  return m;
}

export function rt_memo_pop(m: usize): void {
  memo = m;
}
