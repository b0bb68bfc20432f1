/**
 * @module The canonical Rego formatter (`palisade policy fmt`): prints a parsed Module back as source
 * in one canonical layout — tabs, one blank line between statements, `if`/`contains` for Rego v1 —
 * keeping comments. Formatting is a fixed point and round-trips: parse(format(m)) equals parse(m).
 */
import type { Body, Expr, Module, RefTerm, Rule, ScannedComment, Term } from '../ast/index.js';
import { scan } from '../ast/index.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Infix builtins: their symbol and binding power (higher binds tighter). */
const INFIX: Readonly<Record<string, { sym: string; prec: number }>> = {
  'internal.member_2': { sym: 'in', prec: 1 },
  'internal.member_3': { sym: 'in', prec: 1 },
  equal: { sym: '==', prec: 2 },
  neq: { sym: '!=', prec: 2 },
  lt: { sym: '<', prec: 2 },
  lte: { sym: '<=', prec: 2 },
  gt: { sym: '>', prec: 2 },
  gte: { sym: '>=', prec: 2 },
  or: { sym: '|', prec: 3 },
  and: { sym: '&', prec: 4 },
  plus: { sym: '+', prec: 5 },
  minus: { sym: '-', prec: 5 },
  mul: { sym: '*', prec: 6 },
  div: { sym: '/', prec: 6 },
  rem: { sym: '%', prec: 6 },
};

function opName(op: RefTerm): string {
  return op.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : '?')).join('.');
}

class Printer {
  readonly #comments: ScannedComment[];
  readonly #v1: boolean;
  readonly lines: string[] = [];

  constructor(comments: ScannedComment[], v1: boolean) {
    this.#comments = comments;
    this.#v1 = v1;
  }

  /** Emit own-line comments that precede `row`. */
  commentsBefore(row: number, indent: string): void {
    while (this.#comments.length > 0 && this.#comments[0]!.loc.row < row) {
      const c = this.#comments.shift()!;
      this.lines.push(`${indent}#${c.text}`);
    }
  }

  /** A trailing comment on `row`, to append to the printed line. */
  trailing(row: number): string {
    const i = this.#comments.findIndex((c) => c.loc.row === row && !c.ownLine);
    if (i < 0) return '';
    const [c] = this.#comments.splice(i, 1);
    return ` #${c!.text}`;
  }

  rest(): void {
    for (const c of this.#comments.splice(0)) this.lines.push(`#${c.text}`);
  }

  // --- terms ---

  term(t: Term, ctx = 0): string {
    switch (t.type) {
      case 'null':
        return 'null';
      case 'boolean':
        return String(t.value);
      case 'number':
        return t.value;
      case 'string':
        return t.raw && !t.value.includes('`') ? `\`${t.value}\`` : JSON.stringify(t.value);
      case 'var':
        return t.name.startsWith('$_') ? '_' : t.name;
      case 'ref':
        return this.ref(t);
      case 'array':
        return `[${t.items.map((i) => this.term(i, 1)).join(', ')}]`;
      case 'set':
        return t.items.length === 0 ? 'set()' : `{${t.items.map((i) => this.term(i, 1)).join(', ')}}`;
      case 'object':
        return `{${t.entries.map(([k, v]) => `${this.term(k, 1)}: ${this.term(v, 1)}`).join(', ')}}`;
      case 'arraycomp':
        return `[${this.term(t.term, 1)} | ${this.inlineBody(t.body)}]`;
      case 'setcomp':
        return `{${this.term(t.term, 1)} | ${this.inlineBody(t.body)}}`;
      case 'objectcomp':
        return `{${this.term(t.key, 1)}: ${this.term(t.value, 1)} | ${this.inlineBody(t.body)}}`;
      case 'template':
        return `$"${t.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p).slice(1, -1).replace(/\{/g, '\\{') : `{${this.templatePart(p)}}`)).join('')}"`;

      case 'call':
        return this.call(t, ctx);
    }
  }

  /** A template part; a wrapped `x with …` expression prints as written. */
  templatePart(p: Term): string {
    if (p.type === 'setcomp' && p.template) {
      const e = p.body[0]!;
      const inner = e.kind.type === 'term' && e.kind.term.type === 'call' ? e.kind.term.args[1]! : p.term;
      return this.exprText({ ...e, kind: { type: 'term', term: inner } }, '');
    }
    return this.term(p);
  }

  /** `ctx` is the binding power of the surrounding operator (0 at the top of an expression). */
  call(t: Extract<Term, { type: 'call' }>, ctx: number): string {
    const name = opName(t.op);
    if (t.infix === 'neg' && t.args.length === 2) return `-${this.operand(t.args[1]!, 7)}`;
    const inf = INFIX[name];
    if (t.infix && inf) {
      if (name === 'internal.member_3') {
        const s = `${this.operand(t.args[0]!, 2)}, ${this.operand(t.args[1]!, 2)} in ${this.operand(t.args[2]!, 2)}`;
        return ctx === 0 ? s : `(${s})`;
      }
      const s = `${this.operand(t.args[0]!, inf.prec)} ${inf.sym} ${this.operand(t.args[1]!, inf.prec + 1)}`;
      return ctx > inf.prec ? `(${s})` : s;
    }
    if ((name === 'eq' || name === 'assign') && t.infix) {
      return `${this.term(t.args[0]!, 1)} ${name === 'eq' ? '=' : ':='} ${this.term(t.args[1]!, 1)}`;
    }
    return `${this.ref(t.op)}(${t.args.map((a) => this.term(a, 1)).join(', ')})`;
  }

  operand(t: Term, prec: number): string {
    if (t.type === 'call' && t.infix) {
      const name = opName(t.op);
      if (name === 'eq' || name === 'assign') return `(${this.term(t)})`;
      return this.call(t, prec);
    }
    return this.term(t, prec);
  }

  ref(r: RefTerm): string {
    const [head, ...rest] = r.terms;
    let s = head!.type === 'var' ? this.term(head!) : this.wrapHead(head!);
    for (const p of rest) {
      if (p.type === 'string' && IDENT.test(p.value)) s += `.${p.value}`;
      else s += `[${this.term(p, 1)}]`;
    }
    return s;
  }

  wrapHead(t: Term): string {
    const s = this.term(t, 1);
    return t.type === 'call' && t.infix ? `(${s})` : s;
  }

  inlineBody(body: Body): string {
    return body.map((e) => this.exprText(e, '')).join('; ');
  }

  // --- expressions ---

  exprText(e: Expr, indent: string): string {
    let s = e.negated ? 'not ' : '';
    const k = e.kind;
    switch (k.type) {
      case 'some':
        s += `some ${k.vars.map((v) => this.term(v)).join(', ')}`;
        break;
      case 'somein':
        s += `some ${k.key ? `${this.term(k.key, 2)}, ` : ''}${this.term(k.value, 2)} in ${this.term(k.collection, 2)}`;
        break;
      case 'every':
        s += `every ${k.key ? `${this.term(k.key, 2)}, ` : ''}${this.term(k.value, 2)} in ${this.term(k.domain, 2)} ${this.block(k.body, indent)}`;
        break;
      case 'term':
        s += this.term(k.term, 0);
        break;
    }
    for (const w of e.with) s += ` with ${this.term(w.target, 1)} as ${this.term(w.value, 1)}`;
    return s;
  }

  /** `{` newline, indented expressions, `}`. */
  block(body: Body, indent: string): string {
    const inner = `${indent}\t`;
    const out: string[] = ['{'];
    for (const e of body) {
      const before = this.lines.length;
      this.commentsBefore(e.loc.row, inner);
      const comments = this.lines.splice(before);
      out.push(...comments);
      out.push(`${inner}${this.exprText(e, inner)}${this.trailing(e.loc.row)}`);
    }
    out.push(`${indent}}`);
    return out.join('\n');
  }

  // --- rules ---

  head(rule: Rule): string {
    const h = rule.head;
    let s = this.ref(h.ref);
    if (h.args) s += `(${h.args.map((a) => this.term(a, 1)).join(', ')})`;
    if (h.key !== undefined) {
      if (this.#v1) s += ` contains ${this.term(h.key, 1)}`;
      else s += `[${this.term(h.key, 1)}]`;
    }
    if (h.value !== undefined && !h.implicitValue) s += ` ${h.assign ? ':=' : '='} ${this.term(h.value, 1)}`;
    return s;
  }

  rule(rule: Rule): string {
    if (rule.isDefault) return `default ${this.head(rule)}`;
    let s = this.head(rule);
    s += this.ruleBody(rule);
    for (let e = rule.elseRule; e; e = e.elseRule) {
      s += ' else';
      if (!e.head.implicitValue && e.head.value)
        s += ` ${e.head.assign ? ':=' : '='} ${this.term(e.head.value, 1)}`;
      s += this.ruleBody(e);
    }
    return s;
  }

  ruleBody(rule: Rule): string {
    if (!rule.hasBody) return '';
    return `${this.#v1 ? ' if' : ''} ${this.block(rule.body, '')}`;
  }
}

/** Format a parsed module. `source` supplies the comments (the AST does not keep their layout). */
export function formatModule(m: Module, source: string): string {
  const { comments } = scan(m.file, source);
  const p = new Printer([...comments], m.regoV1);
  p.commentsBefore(m.pkg.loc.row, '');
  p.lines.push(
    `package ${p.ref({ ...m.pkg.path, terms: m.pkg.path.terms.slice(1).map((t, i) => (i === 0 && t.type === 'string' ? { type: 'var', name: t.value, loc: t.loc } : t)) })}${p.trailing(m.pkg.loc.row)}`,
  );
  if (m.imports.length > 0) p.lines.push('');
  for (const imp of m.imports) {
    p.commentsBefore(imp.loc.row, '');
    p.lines.push(`import ${p.ref(imp.path)}${imp.alias ? ` as ${imp.alias}` : ''}${p.trailing(imp.loc.row)}`);
  }
  for (const r of m.rules) {
    p.lines.push('');
    p.commentsBefore(r.loc.row, '');
    const text = p.rule(r);
    const lines = text.split('\n');
    lines[0] += p.trailing(r.loc.row);
    p.lines.push(...lines);
  }
  const before = p.lines.length;
  p.rest();
  if (p.lines.length > before) p.lines.splice(before, 0, '');
  return `${p.lines.join('\n')}\n`;
}
