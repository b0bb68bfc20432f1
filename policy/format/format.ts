/**
 * @module The canonical Rego formatter (`palisade policy fmt`): prints a parsed Module back as source
 * in `opa fmt`'s layout — tabs, `if`/`contains` for Rego v1, one-line rules kept on one line (adjacent
 * ones grouped), and the author's line breaks kept where opa fmt keeps them: a collection, call or
 * comprehension written over several lines stays one element group per line with a trailing comma,
 * blank lines between body expressions stay, `with` written on its own line stays there. Comments are
 * kept. Formatting is a fixed point and round-trips: parse(format(m)) equals parse(m).
 */
import type { Body, Expr, Location, Module, RefTerm, Rule, ScannedComment, Term } from '../ast/index.js';
import { opName, REGO_V1_KEYWORDS, scan } from '../ast/index.js';
import { CommentQueue, withComment } from './comments.js';
import { compareImports, importGroups } from './imports.js';
import { INFIX } from './infix.js';
import { SourceRows } from './source-rows.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One element of a collection, call or head argument list: its source row and how to print it. */
interface Item {
  readonly loc: Location;
  readonly row: number;
  text(indent: string): string;
}

function isSetTerm(e: Expr): boolean {
  return !e.negated && e.kind.type === 'term' && e.kind.term.type === 'set';
}

class Printer {
  readonly #comments: CommentQueue;
  readonly #v1: boolean;
  readonly #rows: SourceRows;
  readonly lines: string[] = [];

  constructor(comments: ScannedComment[], v1: boolean, rows: SourceRows) {
    this.#comments = new CommentQueue(comments);
    this.#v1 = v1;
    this.#rows = rows;
  }

  commentsBefore(row: number, indent: string): void {
    this.lines.push(...this.#comments.before(row, indent));
  }

  innerComments(row: number, indent: string): ReturnType<CommentQueue['inner']> {
    return this.#comments.inner(row, indent);
  }

  trailing(row: number): string {
    return this.#comments.trailing(row);
  }

  within(from: number, to: number): string {
    return this.#comments.within(from, to);
  }

  rest(): void {
    this.lines.push(...this.#comments.rest());
  }

  // --- terms ---

  /** `ctx` is the binding power of the surrounding operator; `ind` the indentation of the current line. */
  term(t: Term, ctx: number, ind: string): string {
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
        return this.ref(t, ind);
      case 'array':
        return this.iterable('[', ']', this.items(t.items), t.loc.row, ind);
      case 'set':
        return t.items.length === 0 ? 'set()' : this.iterable('{', '}', this.items(t.items), t.loc.row, ind);
      case 'object':
        return this.iterable(
          '{',
          '}',
          t.entries.map(([k, v]) => ({
            loc: k.loc,
            row: k.loc.row,
            text: (i: string) => `${this.term(k, 1, i)}: ${this.term(v, 1, i)}`,
          })),
          t.loc.row,
          ind,
        );
      case 'arraycomp':
        return this.comprehension('[', ']', t.term, (i) => this.term(t.term, 1, i), t.body, t.loc, ind);
      case 'setcomp':
        return this.comprehension('{', '}', t.term, (i) => this.term(t.term, 1, i), t.body, t.loc, ind);
      case 'objectcomp':
        return this.objectComprehension(t, ind);
      case 'template':
        return `$"${t.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p).slice(1, -1).replace(/\{/g, '\\{') : `{${this.templatePart(p, ind)}}`)).join('')}"`;
      case 'call':
        return this.call(t, ctx, ind);
    }
  }

  items(terms: readonly Term[]): Item[] {
    return terms.map((x) => ({ loc: x.loc, row: x.loc.row, text: (i: string) => this.term(x, 1, i) }));
  }

  /**
   * opa fmt's layout for a sequence: elements are grouped by source row; several groups, or a first
   * element below the opening bracket (`containerRow`, when known), print one group per line with a
   * trailing comma and the closing bracket on its own line. Otherwise everything stays on one line.
   */
  iterable(
    open: string,
    close: string,
    items: readonly Item[],
    containerRow: number | undefined,
    ind: string,
  ): string {
    const groups: Item[][] = [];
    for (const [i, item] of items.entries()) {
      if (i === 0 || item.row > items[i - 1]!.row) groups.push([item]);
      else groups[groups.length - 1]!.push(item);
    }
    const first = items[0];
    const multiline =
      groups.length > 1 || (first !== undefined && containerRow !== undefined && first.row > containerRow);
    if (!multiline) return `${open}${items.map((x) => x.text(ind)).join(', ')}${close}`;
    const inner = `${ind}\t`;
    const lines: string[] = [];
    const closer = first && this.#rows.closeLoc(first.loc);
    for (const [i, g] of groups.entries()) {
      lines.push(...this.innerComments(g[0]!.row, inner));
      const text = `${g.map((x) => x.text(inner)).join(', ')},`;
      // A group ending on a later row (a nested collection's `],`) keeps that row's comment on its last
      // line, as opa fmt does: `], # note`.
      const next = groups[i + 1]?.[0]?.loc ?? closer;
      const endRow = next ? this.#rows.endBefore(next) : g[0]!.row;
      const end = endRow > g[0]!.row ? this.trailing(endRow) : '';
      lines.push(inner + withComment(text, this.trailing(g[0]!.row)) + end);
    }
    if (closer !== undefined) lines.push(...this.innerComments(closer.row, inner));
    return `${open}\n${lines.join('\n')}\n${ind}${close}`;
  }

  /** A comprehension; a head written below the bracket, or a body over several lines, keep their lines. */
  comprehension(
    open: string,
    close: string,
    head: Term,
    headText: (ind: string) => string,
    body: Body,
    loc: Location,
    ind: string,
  ): string {
    const lead = head.loc.row > loc.row ? `\n${ind}` : '';
    return `${open}${lead}${headText(ind)} |${this.closureBody(body, head.loc.row, ind, false)}${close}`;
  }

  /**
   * opa fmt writes an object comprehension's `key: value` right after the `{`, wherever the author put
   * it, and breaks the body onto its own lines when it starts below the `{`:
   * `{\n\tk: v | k := ks[_]\n}` becomes `{k: v |\n\tk := ks[_]\n}`.
   */
  objectComprehension(t: Extract<Term, { type: 'objectcomp' }>, ind: string): string {
    const head = `${this.term(t.key, 1, ind)}: ${this.term(t.value, 1, ind)}`;
    return `{${head} |${this.closureBody(t.body, t.loc.row, ind, false)}}`;
  }

  /**
   * A body inside a comprehension, `every` or `not { … }`: on the line when it starts on `anchorRow` and
   * stays on one row, else one expression per line. `spaced` adds opa fmt's space before a lone
   * same-line expression's closing brace (`every x in xs { x > 0 }`).
   */
  closureBody(body: Body, anchorRow: number, ind: string, spaced: boolean): string {
    const first = body[0];
    const multi =
      first === undefined || first.loc.row > anchorRow || body.some((e) => e.loc.row !== first.loc.row);
    if (multi) return `\n${this.bodyLines(body, `${ind}\t`).join('\n')}\n${ind}`;
    const text = ` ${body.map((e) => this.exprText(e, ind)).join('; ')}`;
    return spaced && body.length === 1 ? `${text} ` : text;
  }

  /** A template part; a wrapped `x with …` expression prints as written. */
  templatePart(p: Term, ind: string): string {
    if (p.type === 'setcomp' && p.template) {
      const e = p.body[0]!;
      const inner = e.kind.type === 'term' && e.kind.term.type === 'call' ? e.kind.term.args[1]! : p.term;
      return this.exprText({ ...e, kind: { type: 'term', term: inner } }, ind);
    }
    return this.term(p, 0, ind);
  }

  call(t: Extract<Term, { type: 'call' }>, ctx: number, ind: string): string {
    const name = opName(t.op);
    if (t.infix === 'neg' && t.args.length === 2) return `-${this.operand(t.args[1]!, 7, ind)}`;
    const inf = INFIX[name];
    if (t.infix && inf) {
      if (name === 'internal.member_3') {
        const s = `${this.operand(t.args[0]!, 2, ind)}, ${this.operand(t.args[1]!, 2, ind)} in ${this.operand(t.args[2]!, 2, ind)}`;
        return ctx === 0 ? s : `(${s})`;
      }
      const s = `${this.operand(t.args[0]!, inf.prec, ind)} ${inf.sym} ${this.operand(t.args[1]!, inf.prec + 1, ind)}`;
      return ctx > inf.prec ? `(${s})` : s;
    }
    if ((name === 'eq' || name === 'assign') && t.infix) {
      return `${this.term(t.args[0]!, 1, ind)} ${name === 'eq' ? '=' : ':='} ${this.term(t.args[1]!, 1, ind)}`;
    }
    // As opa fmt: call arguments group by row, but a break right after `(` alone does not make them multi-line.
    return `${this.ref(t.op, ind)}${this.iterable('(', ')', this.items(t.args), undefined, ind)}`;
  }

  /**
   * An operand of an infix operator. As opa fmt does, an operand that is itself an infix call is always
   * parenthesised (`(x % 2) == 0`, `(a + b) / 2`), whatever the precedence; a negation's (`-x`) is not.
   */
  operand(t: Term, prec: number, ind: string): string {
    if (t.type === 'call' && t.infix && t.infix !== 'neg') {
      const name = opName(t.op);
      if (name === 'eq' || name === 'assign') return `(${this.term(t, 0, ind)})`;
      return `(${this.call(t, 0, ind)})`;
    }
    return this.term(t, prec, ind);
  }

  ref(r: RefTerm, ind = ''): string {
    const [head, ...rest] = r.terms;
    let s = head!.type === 'var' ? this.term(head!, 0, ind) : this.wrapHead(head!, ind);
    for (const p of rest) {
      // A keyword written in brackets (`test["if"]`) keeps them, as opa fmt does; `test.if` stays dotted.
      if (
        p.type === 'string' &&
        IDENT.test(p.value) &&
        !(REGO_V1_KEYWORDS.has(p.value) && this.#rows.isString(p.loc))
      )
        s += `.${p.value}`;
      else s += `[${this.term(p, 1, ind)}]`;
    }
    return s;
  }

  wrapHead(t: Term, ind: string): string {
    const s = this.term(t, 1, ind);
    return t.type === 'call' && t.infix ? `(${s})` : s;
  }

  // --- expressions ---

  exprText(e: Expr, ind: string): string {
    let s = e.negated ? 'not ' : '';
    const k = e.kind;
    switch (k.type) {
      case 'some':
        s += `some ${this.someVars(k.vars, e.loc.row, ind)}`;
        break;
      case 'somein':
        s += `some ${k.key ? `${this.term(k.key, 2, ind)}, ` : ''}${this.term(k.value, 2, ind)} in ${this.term(k.collection, 2, ind)}`;
        break;
      case 'every':
        s += `every ${k.key ? `${this.term(k.key, 2, ind)}, ` : ''}${this.term(k.value, 2, ind)} in ${this.term(k.domain, 2, ind)} {${this.closureBody(k.body, e.loc.row, ind, true)}}`;
        break;
      case 'term':
        s += this.term(k.term, 0, ind);
        break;
    }
    // A `with` written below the end of the expression stays on its own, indented, line.
    let lastRow = e.with.length > 0 ? this.#rows.endBefore(e.with[0]!.loc) : 0;
    for (const w of e.with) {
      if (w.loc.row > lastRow) {
        s += `\n${ind}\t`;
        lastRow = w.loc.row;
      } else s += ' ';
      s += `with ${this.term(w.target, 1, ind)} as ${this.term(w.value, 1, ind)}`;
    }
    return s;
  }

  /**
   * `some a, b` keeps the author's line breaks, as opa fmt does: a variable written below the previous
   * one starts a continuation line, indented one level deeper than the expression.
   */
  someVars(vars: readonly Term[], row: number, ind: string): string {
    let s = '';
    let lastRow = row;
    for (const [i, v] of vars.entries()) {
      if (v.loc.row > lastRow) {
        s += `\n${ind}\t`;
        lastRow = v.loc.row;
      } else if (i > 0) s += ' ';
      s += this.term(v, 0, ind) + (i < vars.length - 1 ? ',' : '');
    }
    return s;
  }

  /** Body expressions, one per line at `inner`, with their comments and the author's blank lines. */
  bodyLines(body: Body, inner: string): string[] {
    const out: string[] = [];
    const close = body[0] && this.#rows.closeLoc(body[0].loc);
    for (const [i, e] of body.entries()) {
      if (i > 0 && e.loc.row > this.#rows.endBefore(e.loc) + 1) out.push('');
      const comments = this.innerComments(e.loc.row, inner);
      out.push(...comments);
      if (comments.lastRow !== undefined && e.loc.row - comments.lastRow > 1) out.push('');
      const text = this.exprText(e, inner);
      // A multi-line expression keeps the comment on its last line (`] # …`) there.
      const next = body[i + 1]?.loc ?? close;
      const endRow = next ? this.#rows.endBefore(next) : e.loc.row;
      const end = endRow > e.loc.row ? this.trailing(endRow) : '';
      const first = withComment(text, this.trailing(e.loc.row));
      out.push(inner + first + end + this.within(e.loc.row, endRow));
    }
    // Comments after the last expression, before the closing bracket, stay inside.
    if (close !== undefined) out.push(...this.innerComments(close.row, inner));
    return out;
  }

  /** `{` newline, indented expressions, `}`. */
  block(body: Body, indent: string): string {
    return ['{', ...this.bodyLines(body, `${indent}\t`), `${indent}}`].join('\n');
  }

  // --- rules ---

  head(rule: Rule): string {
    const h = rule.head;
    let s = this.ref(h.ref);
    if (h.args) s += this.iterable('(', ')', this.items(h.args), h.loc.row, '');
    if (h.key !== undefined) {
      if (this.#v1) s += ` contains ${this.term(h.key, 1, '')}`;
      else s += `[${this.term(h.key, 1, '')}]`;
    }
    if (h.value !== undefined && !h.implicitValue)
      s += ` ${this.assignOp(h.assign)} ${this.term(h.value, 1, '')}`;
    return s;
  }

  /**
   * opa fmt keeps `p if <expr>` on one line when the single body expression starts on the line where
   * the head ends (a set term excepted: unbraced, it would read as a body).
   */
  oneLiner(rule: Rule): boolean {
    const e = rule.body[0];
    return (
      this.#v1 &&
      rule.hasBody &&
      rule.body.length === 1 &&
      e !== undefined &&
      !isSetTerm(e) &&
      e.loc.row === this.#rows.headEnd(e.loc)
    );
  }

  /** ` if <expr>` for a one-liner, else the braced body (nothing when the rule has no body). */
  bodyPart(rule: Rule): string {
    if (this.oneLiner(rule)) {
      const body = this.exprText(rule.body[0]!, '');
      // A brace-led expression after `if` would read as a body.
      if (!body.startsWith('{')) return ` if ${body}`;
    }
    return this.ruleBody(rule);
  }

  /**
   * A Rego v1 rule whose whole body is `true` (`a.b.c := "d" if true`) prints as a constant, as opa fmt
   * does: `a.b.c := "d"`, `p.q[2] := true`.
   */
  constant(rule: Rule): string | undefined {
    const e = rule.body[0];
    if (!this.#v1 || !rule.hasBody || rule.elseRule || rule.head.args || rule.body.length !== 1)
      return undefined;
    if (!e || e.negated || e.with.length > 0 || e.kind.type !== 'term') return undefined;
    if (e.kind.term.type !== 'boolean' || !e.kind.term.value) return undefined;
    const h = rule.head;
    if (h.key !== undefined || !h.implicitValue) return this.head(rule);
    return `${this.head(rule)} := ${this.term(h.value!, 1, '')}`;
  }

  rule(rule: Rule): string {
    if (rule.isDefault) return `default ${this.head(rule)}`;
    const constant = this.constant(rule);
    if (constant !== undefined) return constant;
    let s = this.head(rule) + this.bodyPart(rule);
    let prev = rule;
    for (let e = rule.elseRule; e; prev = e, e = e.elseRule) {
      // As opa fmt: `} else …` stays inline when the author wrote it after something on a later line;
      // an `else` starting its own line, or on the rule's first line, goes on a new line after a blank.
      const inline = e.loc.row > prev.loc.row && this.#rows.endBefore(e.loc) === e.loc.row;
      s += inline ? ' else' : '\n\nelse';
      if (!e.head.implicitValue && e.head.value)
        s += ` ${this.assignOp(e.head.assign)} ${this.term(e.head.value, 1, '')}`;
      s += this.bodyPart(e);
    }
    return s;
  }

  ruleBody(rule: Rule): string {
    if (!rule.hasBody) return '';
    return `${this.#v1 ? ' if' : ''} ${this.block(rule.body, '')}`;
  }

  /** Rego v1 heads always print `:=` (as opa fmt does); v0 keeps the author's `=`. */
  assignOp(assign: boolean): string {
    return assign || this.#v1 ? ':=' : '=';
  }

  /** Rules opa fmt prints without a blank line between them when they were adjacent in the source. */
  groupable(rule: Rule, text: string): boolean {
    return this.#v1 && !rule.isDefault && rule.body.length <= 1 && !text.includes('\n');
  }
}

/** Format a parsed module. `source` supplies the comments (the AST does not keep their layout). */
export function formatModule(m: Module, source: string): string {
  const { comments, tokens } = scan(m.file, source);
  const rows = new SourceRows(tokens);
  const p = new Printer([...comments], m.regoV1, rows);
  p.commentsBefore(m.pkg.loc.row, '');
  p.lines.push(
    `package ${p.ref({ ...m.pkg.path, terms: m.pkg.path.terms.slice(1).map((t, i) => (i === 0 && t.type === 'string' ? { type: 'var', name: t.value, loc: t.loc } : t)) })}${p.trailing(m.pkg.loc.row)}`,
  );
  // As opa fmt: imports keep their blank-line-separated groups, each group sorted.
  for (const group of importGroups(m.imports)) {
    p.lines.push('');
    p.commentsBefore(group[0]!.loc.row, '');
    for (const imp of [...group].sort(compareImports)) {
      p.lines.push(
        `import ${p.ref(imp.path)}${imp.alias ? ` as ${imp.alias}` : ''}${p.trailing(imp.loc.row)}`,
      );
    }
  }
  let prev: { rule: Rule; groupable: boolean } | undefined;
  for (const [i, r] of m.rules.entries()) {
    const mark = p.lines.length;
    p.commentsBefore(r.loc.row, '');
    const text = p.rule(r);
    const groupable = p.groupable(r, text);
    const adjacent = prev?.groupable === true && groupable && r.loc.row === prev.rule.loc.row + 1;
    if (!adjacent) p.lines.splice(mark, 0, '');
    const lines = text.split('\n');
    lines[0] += p.trailing(r.loc.row);
    // The comment on a multi-line rule's last line (`} # …`) stays there.
    const next = m.rules[i + 1];
    const endRow = next ? rows.endBefore(next.loc) : rows.lastRow();
    if (endRow > r.loc.row) lines[lines.length - 1] += p.trailing(endRow) + p.within(r.loc.row, endRow);
    p.lines.push(...lines);
    prev = { rule: r, groupable };
  }
  const before = p.lines.length;
  p.rest();
  if (p.lines.length > before) p.lines.splice(before, 0, '');
  return `${p.lines.join('\n')}\n`;
}
