/**
 * @module Ground Rego terms → values: the inverse of `toRegoString` (objects with any keys, arrays, sets
 * including `set()`, strings with Go escapes and raw strings, exact numbers). Value layer; used for
 * `input_term` in the conformance suite and for Rego-literal inputs on the command line.
 */
import { PolicyError } from '../errors.js';
import { numberFromLiteral } from './number.js';
import { ObjectValue } from './object.js';
import { SetValue } from './set.js';
import type { Value } from './value.js';

const NUMBER_AT = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parse a ground Rego term (no variables, refs or calls). Throws `ERR_POLICY_TERM` naming the column. */
export function parseRegoTerm(text: string): Value {
  const p = new TermParser(text);
  p.ws();
  const v = p.term();
  p.ws();
  if (p.pos < text.length) p.fail('unexpected text after the term');
  return v;
}

class TermParser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new PolicyError('ERR_POLICY_TERM', `invalid Rego term at offset ${this.pos + 1}: ${message}`);
  }

  ws(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\n' || c === '\t' || c === '\r') this.pos++;
      else if (c === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  term(): Value {
    const t = this.text;
    const c = t[this.pos];
    if (c === '{') return this.braces();
    if (c === '[') return this.list();
    if (c === '"') return this.string();
    if (c === '`') {
      const end = t.indexOf('`', this.pos + 1);
      if (end < 0) this.fail('unterminated raw string');
      const s = t.slice(this.pos + 1, end);
      this.pos = end + 1;
      return s;
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (t.startsWith(word, this.pos) && !/[A-Za-z0-9_]/.test(t[this.pos + word.length] ?? '')) {
        this.pos += word.length;
        return value;
      }
    }
    if (t.startsWith('set(', this.pos)) {
      this.pos += 4;
      this.ws();
      if (t[this.pos] !== ')') this.fail("expected ')' after set(");
      this.pos++;
      return new SetValue();
    }
    NUMBER_AT.lastIndex = this.pos;
    const m = NUMBER_AT.exec(t);
    if (m) {
      this.pos += m[0].length;
      return numberFromLiteral(m[0]);
    }
    return this.fail(c === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`);
  }

  string(): string {
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const c = this.text[i];
      if (c === undefined) this.fail('unterminated string');
      if (c === '\\') i += 2;
      else if (c === '"') break;
      else i++;
    }
    this.pos = i + 1;
    try {
      return JSON.parse(this.text.slice(start, i + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid string escape');
    }
  }

  /** Items up to `close`, allowing a trailing comma. */
  items(close: string, item: () => void): void {
    this.pos++;
    for (;;) {
      this.ws();
      if (this.text[this.pos] === close) {
        this.pos++;
        return;
      }
      item();
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  list(): Value {
    const out: Value[] = [];
    this.items(']', () => out.push(this.term()));
    return out;
  }

  /** `{}` is an empty object; `{k: v, …}` an object; `{a, b}` a set. */
  braces(): Value {
    let obj: ObjectValue | undefined;
    let set: SetValue | undefined;
    this.items('}', () => {
      const first = this.term();
      this.ws();
      if (this.text[this.pos] === ':') {
        if (set) this.fail('mixed set elements and object keys');
        this.pos++;
        this.ws();
        obj ??= new ObjectValue();
        obj.set(first, this.term());
      } else {
        if (obj) this.fail("expected ':' after object key");
        set ??= new SetValue();
        set.add(first);
      }
    });
    return set ?? obj ?? new ObjectValue();
  }
}
