/**
 * @module Rego sets: any element type, membership through canonical keys, iteration in OPA's sorted order.
 * Value layer.
 */
import { compare } from './compare.js';
import { canonical, type HashKey, hashKey } from './hash.js';
import type { SetLike, Value } from './value.js';

/**
 * A Rego set. Mutable while being built; treat it as immutable once reachable from another value.
 * `items()` is sorted in OPA's order and must not be mutated.
 */
export class SetValue implements SetLike {
  readonly kind = 'set' as const;
  #items: Value[] = [];
  #index = new Map<HashKey, number>();
  #sorted = true;
  #canonical: string | undefined;

  static from(items: Iterable<Value>): SetValue {
    const s = new SetValue();
    for (const v of items) s.add(v);
    return s;
  }

  get size(): number {
    return this.#items.length;
  }

  has(item: Value): boolean {
    return this.#index.has(hashKey(item));
  }

  /** Add an element; returns false when an equal element was already present. */
  add(item: Value): boolean {
    const h = hashKey(item);
    if (this.#index.has(h)) return false;
    const n = this.#items.length;
    if (this.#sorted && n > 0 && compare(this.#items[n - 1] as Value, item) > 0) this.#sorted = false;
    this.#index.set(h, n);
    this.#items.push(item);
    this.#canonical = undefined;
    return true;
  }

  delete(item: Value): boolean {
    const i = this.#index.get(hashKey(item));
    if (i === undefined) return false;
    this.#items.splice(i, 1);
    this.#canonical = undefined;
    this.#reindex();
    return true;
  }

  /** Elements in OPA's sorted order. */
  items(): readonly Value[] {
    if (!this.#sorted) {
      this.#items.sort(compare);
      this.#reindex();
      this.#sorted = true;
    }
    return this.#items;
  }

  [Symbol.iterator](): IterableIterator<Value> {
    return this.items()[Symbol.iterator]();
  }

  clone(): SetValue {
    const s = new SetValue();
    s.#items = this.#items.slice();
    s.#index = new Map(this.#index);
    s.#sorted = this.#sorted;
    s.#canonical = this.#canonical;
    return s;
  }

  canonical(): string {
    if (this.#canonical !== undefined) return this.#canonical;
    const items = this.items();
    let out = '<';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out += ',';
      out += canonical(items[i] as Value);
    }
    this.#canonical = `${out}>`;
    return this.#canonical;
  }

  #reindex(): void {
    this.#index.clear();
    for (let i = 0; i < this.#items.length; i++) this.#index.set(hashKey(this.#items[i] as Value), i);
  }
}
