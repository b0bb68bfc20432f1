/**
 * @module Lossless JSON text → Rego value: number literals keep every digit (JSON.parse would round big
 * integers and long decimals to doubles). Value layer.
 */
import { PolicyError } from '../errors.js';
import { numberFromLiteral } from './number.js';
import { ObjectValue } from './object.js';
import type { Value } from './value.js';

/** A JSON document that does not parse; the message names line and column. */
export class JsonParseError extends PolicyError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super('ERR_POLICY_JSON', message);
    this.line = line;
    this.column = column;
  }
}

const NUMBER_AT = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 10_000;

/**
 * Parse JSON text into a Rego value without losing number precision.
 * @param source names the document in error messages (a file name), optional.
 */
export function parseJson(text: string, source?: string): Value {
  const p = new Parser(text, source);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.pos < text.length) p.fail('unexpected data after the JSON value');
  return v;
}

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly source: string | undefined,
  ) {}

  fail(message: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    const where = `${this.source ? `${this.source}:` : ''}${line}:${column}`;
    throw new JsonParseError(`${where}: invalid JSON: ${message}`, line, column);
  }

  ws(): void {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.pos = i;
  }

  value(depth: number): Value {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(
          c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`,
        );
    }
  }

  word(w: string, v: Value): Value {
    if (!this.text.startsWith(w, this.pos)) this.fail(`unexpected token, expected ${w}`);
    this.pos += w.length;
    return v;
  }

  number(): Value {
    NUMBER_AT.lastIndex = this.pos;
    const m = NUMBER_AT.exec(this.text);
    if (!m) return this.fail('malformed number');
    this.pos += m[0].length;
    return numberFromLiteral(m[0]);
  }

  string(): string {
    const t = this.text;
    const start = this.pos + 1;
    let i = start;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.pos = i;
        this.fail('unterminated string');
      }
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail('control character in string');
      }
      i++;
    }
    this.pos = i + 1;
    if (!escaped) return t.slice(start, i);
    try {
      return JSON.parse(t.slice(start - 1, i + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid escape in string');
    }
  }

  array(depth: number): Value {
    this.pos++;
    const out: Value[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or ']' in array");
      }
    }
  }

  object(depth: number): Value {
    this.pos++;
    const out = new ObjectValue();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('expected a string key in object');
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after object key");
      this.pos++;
      this.ws();
      out.set(key, this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or '}' in object");
      }
    }
  }
}
