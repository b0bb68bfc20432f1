// @module Bump heap for the Palisade Wasm runtime: malloc, heap pointer get/set. Runtime layer.
// Every value lives on this heap; the host resets the top between evaluations (opa_heap_ptr_set),
// so memory stays flat however many evaluations run.
import { opa_abort_msg } from './abort';

// The first free byte. Codegen rewrites this global's initialiser to the end of the policy's static data.
export let heap_top: usize = __heap_base;

// @ts-ignore: decorator
@inline
function align8(n: usize): usize {
  return (n + 7) & ~7;
}

/** Allocate `size` bytes (8-byte aligned); grows memory, aborts when it cannot. */
export function malloc(size: usize): usize {
  const ptr = align8(heap_top);
  const end = ptr + size;
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) opa_abort_msg('opa_malloc: out of memory');
  }
  heap_top = end;
  return ptr;
}

/** Allocate zeroed bytes. */
export function calloc(size: usize): usize {
  const p = malloc(size);
  memory.fill(p, 0, size);
  return p;
}

/**
 * Grow the block at `ptr` (of `oldSize` bytes) to `newSize`: in place when it is the last block, else copy.
 */
export function realloc(ptr: usize, oldSize: usize, newSize: usize): usize {
  if (ptr != 0 && ptr + oldSize == heap_top) {
    const end = ptr + newSize;
    const have = (<usize>memory.size()) << 16;
    if (end > have) {
      const pages = <i32>((end - have + 0xffff) >> 16);
      if (memory.grow(pages) < 0) opa_abort_msg('opa_malloc: out of memory');
    }
    heap_top = end;
    return ptr;
  }
  const n = malloc(newSize);
  if (oldSize > 0) memory.copy(n, ptr, oldSize);
  return n;
}

export function opa_malloc(size: usize): usize {
  return malloc(size);
}

/** A bump heap frees nothing: memory comes back when the host resets the heap pointer. */
export function opa_free(_ptr: usize): void {}

export function opa_heap_ptr_get(): usize {
  return heap_top;
}

export function opa_heap_ptr_set(ptr: usize): void {
  heap_top = ptr;
}
