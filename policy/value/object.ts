/**
 * @module Rego objects: any key type, lookups through canonical keys, iteration in OPA's sorted key order.
 * Value layer.
 */
import { compare } from './compare.js';
import { canonical, type HashKey, hashKey } from './hash.js';
import type { ObjectLike, Value } from './value.js';

/**
 * A Rego object. Mutable while it is being built (the evaluator's ObjectInsertStmt, builtins filling a
 * result); once it is reachable from another value, treat it as immutable and `clone()` before changing.
 * `keys()`/`values()` are aligned and sorted in OPA's order; the arrays returned must not be mutated.
 */
export class ObjectValue implements ObjectLike {
  readonly kind = 'object' as const;
  #keys: Value[] = [];
  #values: Value[] = [];
  #index = new Map<HashKey, number>();
  #sorted = true;
  #canonical: string | undefined;

  /** Build from `[key, value]` pairs; a later pair overwrites an earlier equal key. */
  static from(entries: Iterable<readonly [Value, Value]>): ObjectValue {
    const o = new ObjectValue();
    for (const [k, v] of entries) o.set(k, v);
    return o;
  }

  /** Build from a record of string keys. */
  static fromRecord(record: Readonly<Record<string, Value>>): ObjectValue {
    const o = new ObjectValue();
    for (const k of Object.keys(record)) o.set(k, record[k] as Value);
    return o;
  }

  get size(): number {
    return this.#keys.length;
  }

  get(key: Value): Value | undefined {
    const i = this.#index.get(hashKey(key));
    return i === undefined ? undefined : this.#values[i];
  }

  has(key: Value): boolean {
    return this.#index.has(hashKey(key));
  }

  /** Insert or overwrite. */
  set(key: Value, value: Value): this {
    const h = hashKey(key);
    const i = this.#index.get(h);
    this.#canonical = undefined;
    if (i !== undefined) {
      this.#values[i] = value;
      return this;
    }
    const n = this.#keys.length;
    if (this.#sorted && n > 0 && compare(this.#keys[n - 1] as Value, key) > 0) this.#sorted = false;
    this.#index.set(h, n);
    this.#keys.push(key);
    this.#values.push(value);
    return this;
  }

  /** Remove a key; returns whether it was present. */
  delete(key: Value): boolean {
    const h = hashKey(key);
    const i = this.#index.get(h);
    if (i === undefined) return false;
    this.#keys.splice(i, 1);
    this.#values.splice(i, 1);
    this.#canonical = undefined;
    this.#reindex();
    return true;
  }

  /** Keys in OPA's sorted order. */
  keys(): readonly Value[] {
    if (!this.#sorted) this.#sort();
    return this.#keys;
  }

  /** Values aligned with `keys()`. */
  values(): readonly Value[] {
    if (!this.#sorted) this.#sort();
    return this.#values;
  }

  *entries(): IterableIterator<[Value, Value]> {
    const keys = this.keys();
    const values = this.#values;
    for (let i = 0; i < keys.length; i++) yield [keys[i] as Value, values[i] as Value];
  }

  [Symbol.iterator](): IterableIterator<[Value, Value]> {
    return this.entries();
  }

  /** A shallow copy (values are shared, which is safe because they are immutable once shared). */
  clone(): ObjectValue {
    const o = new ObjectValue();
    o.#keys = this.#keys.slice();
    o.#values = this.#values.slice();
    o.#index = new Map(this.#index);
    o.#sorted = this.#sorted;
    o.#canonical = this.#canonical;
    return o;
  }

  /** The canonical encoding (see hash.ts), cached until the next change. */
  canonical(): string {
    if (this.#canonical !== undefined) return this.#canonical;
    const keys = this.keys();
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) out += ',';
      out += `${canonical(keys[i] as Value)}:${canonical(this.#values[i] as Value)}`;
    }
    this.#canonical = `${out}}`;
    return this.#canonical;
  }

  #sort(): void {
    const order = this.#keys.map((_, i) => i);
    const keys = this.#keys;
    order.sort((a, b) => compare(keys[a] as Value, keys[b] as Value));
    this.#keys = order.map((i) => keys[i] as Value);
    const values = this.#values;
    this.#values = order.map((i) => values[i] as Value);
    this.#reindex();
    this.#sorted = true;
  }

  #reindex(): void {
    this.#index.clear();
    for (let i = 0; i < this.#keys.length; i++) this.#index.set(hashKey(this.#keys[i] as Value), i);
  }
}
