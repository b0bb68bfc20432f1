/**
 * @module The policy's static data: string values, number constants, booleans, null and JSON texts laid out
 * in the runtime's value format (policy/runtime/assembly/value.ts) after the runtime's own data. Codegen layer.
 * Static values are immutable; the IR never mutates strings or numbers, only collections it made.
 */
import { N_INT, N_REF, T_BOOLEAN, T_NULL, T_NUMBER, T_STRING } from './runtime-library.js';

const encoder = new TextEncoder();

/** Builds one data segment; every `add*` returns the address of the value it placed. */
export class StaticData {
  readonly base: number;
  #bytes: number[] = [];
  #strings = new Map<string, number>();
  #ints = new Map<bigint, number>();
  #refs = new Map<string, number>();
  #texts = new Map<string, number>();
  #null = -1;
  #bools: [number, number] = [-1, -1];

  constructor(base: number) {
    this.base = (base + 7) & ~7;
  }

  get end(): number {
    return this.base + this.#bytes.length;
  }

  /** Segment contents. */
  bytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  #align(n: number): void {
    while (this.#bytes.length % n !== 0) this.#bytes.push(0);
  }

  #u32(x: number): void {
    this.#bytes.push(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff);
  }

  #raw(b: Uint8Array): number {
    const at = this.end;
    for (const x of b) this.#bytes.push(x);
    return at;
  }

  /** NUL-terminated raw text (not a value): address and byte length. */
  text(s: string): { ptr: number; len: number } {
    const b = encoder.encode(s);
    let ptr = this.#texts.get(s);
    if (ptr === undefined) {
      ptr = this.#raw(b);
      this.#bytes.push(0);
      this.#texts.set(s, ptr);
    }
    return { ptr, len: b.length };
  }

  string(s: string): number {
    const hit = this.#strings.get(s);
    if (hit !== undefined) return hit;
    const b = encoder.encode(s);
    this.#align(8);
    const at = this.end;
    this.#u32(T_STRING);
    this.#u32(b.length);
    this.#u32(at + 12);
    this.#raw(b);
    this.#strings.set(s, at);
    return at;
  }

  int(i: bigint): number {
    const hit = this.#ints.get(i);
    if (hit !== undefined) return hit;
    this.#align(8);
    const at = this.end;
    this.#u32(T_NUMBER | (N_INT << 8));
    this.#u32(0);
    const u = BigInt.asUintN(64, i);
    this.#u32(Number(u & 0xffffffffn));
    this.#u32(Number(u >> 32n));
    this.#ints.set(i, at);
    return at;
  }

  /** A number from its literal text: an i64 when it is an integer in range, else the exact text. */
  number(text: string): number {
    if (/^-?(0|[1-9][0-9]{0,17})$/.test(text)) return this.int(BigInt(text));
    const hit = this.#refs.get(text);
    if (hit !== undefined) return hit;
    const t = this.text(text);
    this.#align(8);
    const at = this.end;
    this.#u32(T_NUMBER | (N_REF << 8));
    this.#u32(t.len);
    this.#u32(t.ptr);
    this.#u32(0);
    this.#refs.set(text, at);
    return at;
  }

  null(): number {
    if (this.#null < 0) {
      this.#align(8);
      this.#null = this.end;
      this.#u32(T_NULL);
      this.#u32(0);
    }
    return this.#null;
  }

  bool(b: boolean): number {
    const i = b ? 1 : 0;
    if (this.#bools[i] < 0) {
      this.#align(8);
      this.#bools[i] = this.end;
      this.#u32(T_BOOLEAN);
      this.#u32(i);
    }
    return this.#bools[i];
  }
}
