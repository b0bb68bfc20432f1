/**
 * @module The Rego parser: tokens to a Module (or a query Body), Rego v1 by default and v0 with
 * `v0Compatible`. Recursive descent with OPA's operator precedence; on a syntax error it records a
 * rego_parse_error and resynchronises at the next statement, so one run reports several errors.
 */
import { parse as parseYaml } from 'yaml';
import type { RegoError } from './errors.js';
import type {
  Body,
  CallTerm,
  Comment,
  Expr,
  ExprKind,
  Import,
  Location,
  Module,
  RefTerm,
  Rule,
  RuleHead,
  Term,
  VarTerm,
  WithModifier,
} from './nodes.js';
import { type ScannedComment, scan, type Token } from './scanner.js';

export interface ParseOptions {
  /** Parse Rego v0 (OPA 0.x): `if`/`contains` optional, future keywords only when imported. */
  readonly v0Compatible?: boolean;
}

/** Infix operators and the OPA builtin each one calls. */
export const INFIX_BUILTINS: Readonly<Record<string, string>> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  '+': 'plus',
  '-': 'minus',
  '*': 'mul',
  '/': 'div',
  '%': 'rem',
  '&': 'and',
  '|': 'or',
  '=': 'eq',
  ':=': 'assign',
};

const FUTURE_KEYWORDS = ['in', 'every', 'if', 'contains'] as const;
const BASE_KEYWORDS = new Set([
  'as',
  'default',
  'else',
  'false',
  'import',
  'not',
  'null',
  'package',
  'some',
  'true',
  'with',
]);

/** Rego v1's keywords (OPA's KeywordsV1): the base ones and the former future keywords. */
export const REGO_V1_KEYWORDS: ReadonlySet<string> = new Set([...BASE_KEYWORDS, ...FUTURE_KEYWORDS]);

/** Thrown inside the parser to unwind to the statement-level recovery point. */
class Abort extends Error {}

class Parser {
  readonly #file: string;
  readonly #text: string;
  readonly #toks: Token[];
  readonly comments: ScannedComment[];
  #pos = 0;
  readonly errors: RegoError[] = [];
  readonly #keywords = new Set<string>();
  readonly v1: boolean;
  #wildcards = 0;

  constructor(file: string, text: string, v1: boolean) {
    this.#file = file;
    this.#text = text;
    const { tokens, comments } = scan(file, text);
    this.#toks = tokens;
    this.comments = comments;
    this.v1 = v1;
    if (v1) for (const k of FUTURE_KEYWORDS) this.#keywords.add(k);
  }

  // --- token helpers ---

  get tok(): Token {
    return this.#toks[this.#pos]!;
  }
  eof(): boolean {
    return this.tok.kind === 'eof';
  }
  peek(k = 1): Token {
    return this.#toks[Math.min(this.#pos + k, this.#toks.length - 1)]!;
  }
  next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.#pos++;
    return t;
  }
  isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === op;
  }
  isKw(kw: string, t: Token = this.tok): boolean {
    return (
      t.kind === 'ident' &&
      t.text === kw &&
      (BASE_KEYWORDS.has(kw) || this.#keywords.has(kw)) &&
      !this.refHead(t)
    );
  }
  /** A keyword directly followed by `.` is the head of a reference (`as.foo`, `if.x`), not a keyword. */
  refHead(t: Token): boolean {
    const i = this.#toks.indexOf(t, this.#pos);
    const n = i >= 0 ? this.#toks[i + 1] : undefined;
    return n !== undefined && n.kind === 'op' && n.text === '.' && n.offset === t.end;
  }
  isKeyword(name: string): boolean {
    return BASE_KEYWORDS.has(name) || this.#keywords.has(name);
  }
  /** The token directly follows the previous one, with no whitespace between. */
  adjacent(): boolean {
    const prev = this.#toks[this.#pos - 1];
    return prev !== undefined && prev.end === this.tok.offset;
  }
  fail(message: string, t: Token = this.tok): never {
    this.error(message, t.loc);
    throw new Abort();
  }
  error(message: string, loc: Location): void {
    this.errors.push({
      code: 'rego_parse_error',
      message,
      location: { file: loc.file, row: loc.row, col: loc.col },
    });
  }
  describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    if (t.kind === 'string' || t.kind === 'rawstring' || t.kind === 'template') return 'string';
    return `token "${t.text}"`;
  }
  expectOp(op: string, context: string): Token {
    if (!this.isOp(op)) this.fail(`expected "${op}" ${context}, found ${this.describe(this.tok)}`);
    return this.next();
  }
  enableKeyword(name: string): void {
    this.#keywords.add(name);
  }

  /** Skip to the next token that starts a line at column 1: the likely start of the next statement. */
  sync(): void {
    this.next();
    while (!this.eof() && !(this.tok.nl && this.tok.loc.col === 1)) this.next();
  }

  // --- module ---

  parseModule(): Module | undefined {
    let pkg: Module['pkg'] | undefined;
    const imports: Import[] = [];
    const rules: Rule[] = [];
    try {
      pkg = this.parsePackage();
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      this.sync();
    }
    while (!this.eof()) {
      try {
        if (this.isKw('package')) this.fail('unexpected package keyword: a module has exactly one package');
        if (this.isKw('import')) {
          if (rules.length > 0) this.fail('imports must come before rules');
          imports.push(this.parseImport());
        } else {
          const rule = this.parseRule();
          rules.push(rule);
          // OPA's chained bodies: `p { a } { b }` defines p once per body (either may make it true).
          while (this.isOp('{') && !rule.isDefault) {
            if (rule.elseRule) this.fail('expected else keyword');
            const brace = this.tok;
            const body = this.parseBraceBody();
            rules.push({
              head: { ...rule.head, loc: brace.loc },
              body,
              isDefault: false,
              hasBody: true,
              loc: brace.loc,
            });
          }
        }
        if (!this.eof() && !this.tok.nl && !this.isOp(';'))
          this.fail(`unexpected ${this.describe(this.tok)}: expected a new line after the statement`);
        if (this.isOp(';')) this.next();
      } catch (e) {
        if (!(e instanceof Abort)) throw e;
        this.sync();
      }
    }
    if (!pkg) return undefined;
    const comments: Comment[] = this.comments.map((c) => ({ text: c.text, loc: c.loc }));
    const pkgAnnotations = attachAnnotations(this, rules, pkg.loc.row);
    return {
      file: this.#file,
      pkg,
      imports,
      rules,
      comments,
      regoV1: this.v1 || this.#keywords.has('if'),
      ...(pkgAnnotations ? { annotations: pkgAnnotations } : {}),
    };
  }

  parsePackage(): Module['pkg'] {
    const t = this.tok;
    if (!this.isKw('package')) this.fail(`expected package declaration, found ${this.describe(t)}`);
    this.next();
    const ref = this.parseRefPath('package');
    const terms: Term[] = [{ type: 'var', name: 'data', loc: ref.loc }];
    for (const [i, part] of ref.terms.entries()) {
      if (i === 0 && part.type === 'var') terms.push({ type: 'string', value: part.name, loc: part.loc });
      else if (part.type === 'string') terms.push(part);
      else this.fail('package path must contain only string parts', this.tok);
    }
    return { path: { type: 'ref', terms, loc: ref.loc }, loc: t.loc };
  }

  /** `a.b["c"]` with only string parts (packages, imports). */
  parseRefPath(what: string): RefTerm {
    const t = this.tok;
    if (t.kind !== 'ident') this.fail(`expected ${what} path, found ${this.describe(t)}`);
    this.next();
    const terms: Term[] = [{ type: 'var', name: t.text, loc: t.loc }];
    while (true) {
      if (this.isOp('.') && this.adjacent()) {
        this.next();
        const n = this.tok;
        if (n.kind !== 'ident')
          this.fail(
            `unexpected ${n.kind === 'eof' ? 'eof' : `"${n.text}"`} token: expected ident (a name after "." in the ${what} path)`,
          );
        this.next();
        terms.push({ type: 'string', value: n.text, loc: n.loc });
      } else if (this.isOp('[') && this.adjacent()) {
        this.next();
        const s = this.tok;
        if (s.kind !== 'string') this.fail(`${what} path may only contain string keys`);
        this.next();
        terms.push({ type: 'string', value: s.text, loc: s.loc });
        this.expectOp(']', `in ${what} path`);
      } else break;
    }
    return { type: 'ref', terms, loc: t.loc };
  }

  parseImport(): Import {
    const t = this.next();
    const path = this.parseRefPath('import');
    const head = (path.terms[0] as VarTerm).name;
    const names = path.terms.slice(1).map((p) => (p.type === 'string' ? p.value : ''));
    if (head === 'future') {
      if (names[0] !== 'keywords' || names.length > 2)
        this.fail(
          `invalid import ${['future', ...names].join('.')}: use future.keywords or future.keywords.<kw>`,
          t,
        );
      if (names.length === 1) for (const k of FUTURE_KEYWORDS) this.enableKeyword(k);
      else if ((FUTURE_KEYWORDS as readonly string[]).includes(names[1]!)) {
        this.enableKeyword(names[1]!);
        // As OPA's parser: `every x in xs` needs `in`, so importing `every` imports `in` too.
        if (names[1] === 'every') this.enableKeyword('in');
      } else this.fail(`unexpected keyword import: future.keywords.${names[1]} is not a keyword`, t);
    } else if (head === 'rego') {
      if (names.length !== 1 || names[0] !== 'v1')
        this.fail(`invalid import rego.${names.join('.')}: only rego.v1 exists`, t);
      for (const k of FUTURE_KEYWORDS) this.enableKeyword(k);
    } else if (head !== 'data' && head !== 'input') {
      this.fail(`invalid import ${head}: path must begin with input, data, future or rego`, t);
    }
    let alias: string | undefined;
    if (this.isKw('as')) {
      this.next();
      const a = this.tok;
      if (a.kind !== 'ident' || this.isKeyword(a.text)) this.fail('expected an alias name after "as"');
      this.next();
      alias = a.text;
    }
    return { path, loc: t.loc, ...(alias ? { alias } : {}) };
  }

  // --- rules ---

  parseRule(): Rule {
    const start = this.tok;
    let isDefault = false;
    if (this.isKw('default')) {
      isDefault = true;
      this.next();
    }
    const head = this.parseHead(isDefault);
    if (isDefault) {
      if (!head.value) this.fail('default rules must have a value: default <name> := <value>', start);
      if (this.isKw('if') || this.isOp('{')) this.fail('default rules cannot have a body', this.tok);
      this.validateDefault(head, start.loc);
      return { head, body: [trueExpr(head.loc)], isDefault, hasBody: false, loc: start.loc };
    }
    const { body, hasBody } = this.parseRuleBody(head, true);
    let elseRule: Rule | undefined;
    let cursor: Rule | undefined;
    const rule: Rule = { head, body, isDefault, hasBody, loc: start.loc };
    const elses: Rule[] = [];
    while (this.isKw('else')) {
      if (head.key !== undefined) this.fail('else keyword cannot be used on multi-value rules');
      if (head.ref.terms.length > 1 && head.ref.terms.some((t, i) => i > 0 && t.type !== 'string'))
        this.fail('else keyword cannot be used on rules with variables in head');
      const et = this.next();
      let value: Term | undefined;
      let assign = false;
      if (this.isOp('=') || this.isOp(':=')) {
        assign = this.next().text === ':=';
        value = this.parseTermIn();
      }
      const eHead: RuleHead = {
        ref: head.ref,
        ...(head.args ? { args: head.args } : {}),
        value: value ?? { type: 'boolean', value: true, loc: et.loc },
        assign,
        ...(value ? {} : { implicitValue: true }),
        loc: et.loc,
      };
      const eb = this.parseRuleBody(eHead, false);
      elses.push({ head: eHead, body: eb.body, isDefault: false, hasBody: eb.hasBody, loc: et.loc });
    }
    // Link the chain from the end so every node stays immutable.
    for (let i = elses.length - 1; i >= 0; i--) {
      cursor = { ...elses[i]!, ...(elseRule ? { elseRule } : {}) };
      elseRule = cursor;
    }
    return elseRule ? { ...rule, elseRule } : rule;
  }

  /**
   * A default rule's value is a constant (it applies when nothing else is defined, so there is nothing to
   * bind a variable or evaluate a ref with) and a default function's arguments are distinct variables.
   * OPA's parser checks both; its messages are kept.
   */
  validateDefault(head: RuleHead, loc: Location): void {
    if (head.value) {
      const bad = nonConstant(head.value);
      if (bad) this.error(`illegal default rule (value cannot contain ${bad})`, loc);
    }
    const seen = new Set<string>();
    for (const a of head.args ?? []) {
      if (a.type !== 'var') {
        this.error(`illegal default rule (arguments cannot contain ${termTypeName(a)})`, loc);
      } else if (seen.has(a.name)) {
        this.error(`illegal default rule (arguments cannot be repeated ${a.name})`, loc);
      } else seen.add(a.name);
    }
  }

  parseHead(isDefault: boolean): RuleHead {
    const t = this.tok;
    if (
      t.kind !== 'ident' ||
      (this.isKeyword(t.text) && !this.refHead(t)) ||
      (['null', 'true', 'false'].includes(t.text) && !this.refHead(t))
    )
      this.fail(`unexpected ${this.describe(t)}: expected a rule name`);
    this.next();
    const terms: Term[] = [{ type: 'var', name: t.text, loc: t.loc }];
    while (true) {
      if (this.isOp('.') && this.adjacent()) {
        this.next();
        const n = this.tok;
        if (n.kind !== 'ident') this.fail('expected name after "." in rule head');
        this.next();
        terms.push({ type: 'string', value: n.text, loc: n.loc });
      } else if (this.isOp('[') && this.adjacent()) {
        this.next();
        terms.push(this.parseTermIn());
        this.expectOp(']', 'in rule head');
      } else break;
    }
    let ref: RefTerm = { type: 'ref', terms, loc: t.loc };
    let args: Term[] | undefined;
    if (this.isOp('(') && this.adjacent()) {
      this.next();
      args = [];
      if (!this.isOp(')')) {
        while (true) {
          args.push(this.parseTermIn());
          if (this.isOp(',')) {
            this.next();
            continue;
          }
          break;
        }
      }
      this.expectOp(')', 'after function arguments');
    }
    let key: Term | undefined;
    let value: Term | undefined;
    let assign = false;
    if (this.isKw('contains')) {
      if (isDefault) this.fail('default rules cannot use contains');
      this.next();
      key = this.parseTermIn();
    } else if (this.isOp('=') || this.isOp(':=')) {
      assign = this.next().text === ':=';
      value = this.parseTermIn();
    }
    const last = terms[terms.length - 1]!;
    if (
      !this.v1 &&
      key === undefined &&
      value === undefined &&
      !args &&
      terms.length === 2 &&
      !this.isKw('if')
    ) {
      // OPA's v0 back-compatibility: a two-term head without a value and without `if` is a partial set rule,
      // whether its key is a variable or a literal (`deny[msg] { … }`, `deny["a"] { … }`). With `if`, or with
      // a longer ref, the rule is single-valued (`p[x] = true`), as OPA's parser decides.
      key = last;
      ref = { ...ref, terms: terms.slice(0, -1) };
    }
    const implicit = key === undefined && value === undefined;
    return {
      ref,
      ...(args ? { args } : {}),
      ...(key ? { key } : {}),
      ...(value
        ? { value }
        : implicit
          ? { value: { type: 'boolean' as const, value: true, loc: t.loc } }
          : {}),
      assign,
      ...(implicit ? { implicitValue: true } : {}),
      loc: t.loc,
    };
  }

  /** `if { … }`, `if expr`, v0's `{ … }`, or nothing (a constant rule). */
  parseRuleBody(head: RuleHead, first: boolean): { body: Body; hasBody: boolean } {
    if (this.isKw('if')) {
      this.next();
      if (this.isOp('{')) {
        // `if {x: 1 | …}` starts a comprehension, not a body: retry as a single literal.
        const save = this.#pos;
        const errs = this.errors.length;
        try {
          return { body: this.parseBraceBody(), hasBody: true };
        } catch (e) {
          if (!(e instanceof Abort)) throw e;
          this.#pos = save;
          const firstError = this.errors.splice(errs);
          try {
            return { body: [this.parseLiteral()], hasBody: true };
          } catch (e2) {
            this.errors.splice(errs, this.errors.length - errs, ...firstError);
            throw e2;
          }
        }
      }
      const lit = this.parseLiteral();
      return { body: [lit], hasBody: true };
    }
    if (this.isOp('{')) {
      if (this.v1) this.fail('`if` keyword is required before rule body');
      return { body: this.parseBraceBody(), hasBody: true };
    }
    if (
      first &&
      this.v1 &&
      head.implicitValue &&
      !head.args &&
      head.ref.terms.length === 1 &&
      head.key === undefined
    )
      this.fail(
        `rule ${(head.ref.terms[0] as VarTerm).name} must have a value, a body, or both (\`${(head.ref.terms[0] as VarTerm).name} := <value>\` or \`${(head.ref.terms[0] as VarTerm).name} if { … }\`)`,
        this.tok,
      );
    return { body: [trueExpr(head.loc)], hasBody: false };
  }

  parseBraceBody(): Body {
    const open = this.expectOp('{', 'to start a body');
    const body: Expr[] = [];
    while (!this.isOp('}')) {
      if (this.eof()) this.fail('unexpected end of file: body is not closed', open);
      if (body.length > 0 && !this.tok.nl && !this.isOp(';'))
        this.fail(`unexpected ${this.describe(this.tok)}: expected a new line or ";" between expressions`);
      if (this.isOp(';')) {
        this.next();
        if (this.isOp('}')) break;
      }
      body.push(this.parseLiteral());
    }
    this.next();
    if (body.length === 0) this.fail('found empty body', open);
    return body;
  }

  // --- literals and expressions ---

  parseLiteral(): Expr {
    const t = this.tok;
    let negated = false;
    let kind: ExprKind;
    if (this.isKw('some')) {
      kind = this.parseSome();
    } else if (this.isKw('every')) {
      kind = this.parseEvery();
    } else {
      if (this.isKw('not')) {
        this.next();
        negated = true;
      }
      kind = { type: 'term', term: this.parseExprTerm() };
    }
    const withs: WithModifier[] = [];
    while (this.isKw('with')) {
      const w = this.next();
      const target = this.parseTermRelation();
      if (!this.isKw('as')) this.fail(`expected "as" after with target, found ${this.describe(this.tok)}`);
      this.next();
      const value = this.parseTermIn();
      withs.push({ target, value, loc: w.loc });
    }
    return { kind, negated, with: withs, loc: t.loc };
  }

  parseSome(): ExprKind {
    const t = this.next();
    const first = this.parseTermRelation();
    if (this.isKw('in')) {
      this.next();
      const collection = this.parseTermRelation();
      return { type: 'somein', value: first, collection };
    }
    if (this.isOp(',')) {
      const save = this.#pos;
      this.next();
      const second = this.parseTermRelation();
      if (this.isKw('in')) {
        this.next();
        const collection = this.parseTermRelation();
        return { type: 'somein', key: first, value: second, collection };
      }
      this.#pos = save;
    }
    const vars: VarTerm[] = [];
    let cur: Term = first;
    while (true) {
      if (cur.type !== 'var') this.fail('expected variable names after "some"', t);
      vars.push(cur);
      if (!this.isOp(',')) break;
      this.next();
      cur = this.parseTermRelation();
    }
    return { type: 'some', vars };
  }

  parseEvery(): ExprKind {
    this.next();
    const first = this.parseTermRelation();
    let key: Term | undefined;
    let value = first;
    if (this.isOp(',')) {
      this.next();
      key = first;
      value = this.parseTermRelation();
    }
    if (!this.isKw('in')) this.fail(`expected "in" in every expression, found ${this.describe(this.tok)}`);
    this.next();
    const domain = this.parseTermRelation();
    if (!this.isOp('{')) this.fail('expected "{" to start the body of every');
    const body = this.parseBraceBody();
    return { type: 'every', ...(key ? { key } : {}), value, domain, body };
  }

  /** One expression: `a = b`, `a := b`, `k, v in xs`, or a term/call. */
  parseExprTerm(): Term {
    let lhs = this.parseTermIn();
    if (this.isOp(',') && this.#keywords.has('in')) {
      const save = this.#pos;
      this.next();
      const val = this.parseTermRelation();
      if (this.isKw('in')) {
        const inTok = this.next();
        const coll = this.parseTermRelation();
        lhs = this.parseTermIn(call(inTok.loc, 'internal.member_3', [lhs, val, coll], 'in'));
      } else this.#pos = save;
    }
    if (this.isOp('=') || this.isOp(':=')) {
      const op = this.next();
      const rhs = this.parseTermIn();
      return call(lhs.loc, INFIX_BUILTINS[op.text]!, [lhs, rhs], op.text);
    }
    return lhs;
  }

  parseTermIn(lhs?: Term): Term {
    let left = lhs ?? this.parseTermRelation();
    while (this.isKw('in')) {
      const t = this.next();
      const rhs = this.parseTermRelation();
      left = call(t.loc, 'internal.member_2', [left, rhs], 'in');
    }
    return left;
  }

  parseTermRelation(lhs?: Term): Term {
    let left = lhs ?? this.parseTermOr();
    while (this.tok.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(this.tok.text)) {
      const op = this.next();
      left = call(left.loc, INFIX_BUILTINS[op.text]!, [left, this.parseTermOr()], op.text);
    }
    return left;
  }

  parseTermOr(lhs?: Term): Term {
    let left = lhs ?? this.parseTermAnd();
    while (this.isOp('|')) {
      const op = this.next();
      left = call(left.loc, 'or', [left, this.parseTermAnd()], op.text);
    }
    return left;
  }

  parseTermAnd(lhs?: Term): Term {
    let left = lhs ?? this.parseTermArith();
    while (this.isOp('&')) {
      const op = this.next();
      left = call(left.loc, 'and', [left, this.parseTermArith()], op.text);
    }
    return left;
  }

  parseTermArith(): Term {
    let left = this.parseTermFactor();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next();
      left = call(left.loc, INFIX_BUILTINS[op.text]!, [left, this.parseTermFactor()], op.text);
    }
    return left;
  }

  parseTermFactor(): Term {
    let left = this.parsePostfix();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next();
      left = call(left.loc, INFIX_BUILTINS[op.text]!, [left, this.parsePostfix()], op.text);
    }
    return left;
  }

  /** A primary term followed by `.name`, `[term]` and `(args)` with no whitespace before them. */
  parsePostfix(): Term {
    let term = this.parsePrimary();
    while (this.adjacent()) {
      if (this.isOp('.')) {
        this.next();
        const n = this.tok;
        if (n.kind !== 'ident') this.fail(`expected a name after ".", found ${this.describe(n)}`);
        this.next();
        term = appendRef(term, { type: 'string', value: n.text, loc: n.loc });
      } else if (this.isOp('[')) {
        this.next();
        const key = this.parseTermIn();
        this.expectOp(']', 'to close the reference');
        term = appendRef(term, key);
      } else if (this.isOp('(')) {
        if (term.type !== 'var' && term.type !== 'ref') this.fail('only functions can be called');
        const open = this.next();
        const op: RefTerm = term.type === 'var' ? { type: 'ref', terms: [term], loc: term.loc } : term;
        if (op.terms.some((p, i) => i > 0 && p.type !== 'string'))
          this.fail('function names must be static references', open);
        const args: Term[] = [];
        if (!this.isOp(')')) {
          while (true) {
            args.push(this.parseTermIn());
            if (!this.isOp(',')) break;
            this.next();
            if (this.isOp(')')) break;
          }
        }
        this.expectOp(')', 'to close the argument list');
        term = { type: 'call', op, args, loc: term.loc };
      } else break;
    }
    return term;
  }

  parsePrimary(): Term {
    const t = this.tok;
    if (t.error) {
      this.next();
      this.fail(t.error, t);
    }
    switch (t.kind) {
      case 'number':
        this.next();
        return { type: 'number', value: t.text, loc: t.loc };
      case 'string':
        this.next();
        return { type: 'string', value: t.text, loc: t.loc };
      case 'rawstring':
        this.next();
        return { type: 'string', value: t.text, raw: true, loc: t.loc };
      case 'template':
        this.next();
        return this.parseTemplate(t);
      case 'ident': {
        if (this.refHead(t)) {
          this.next();
          return { type: 'var', name: t.text, loc: t.loc };
        }
        if (t.text === 'null') {
          this.next();
          return { type: 'null', loc: t.loc };
        }
        if (t.text === 'true' || t.text === 'false') {
          this.next();
          return { type: 'boolean', value: t.text === 'true', loc: t.loc };
        }
        const callable = t.text === 'contains' && this.isOp('(', this.peek()) && this.peek().offset === t.end;
        if (this.isKeyword(t.text) && !callable) this.fail(`unexpected ${t.text} keyword`);
        this.next();
        // `set()` is the empty set literal, not a call.
        if (t.text === 'set' && this.isOp('(') && this.adjacent() && this.isOp(')', this.peek())) {
          this.next();
          this.next();
          return { type: 'set', items: [], loc: t.loc };
        }
        if (t.text === '_') return { type: 'var', name: `$_${this.#wildcards++}`, loc: t.loc };
        return { type: 'var', name: t.text, loc: t.loc };
      }
      case 'op':
        if (t.text === '[') return this.parseArray();
        if (t.text === '{') return this.parseBrace();
        if (t.text === '(') {
          this.next();
          const inner = this.parseExprTerm();
          this.expectOp(')', 'to close the parenthesis');
          return inner;
        }
        if (t.text === '-') {
          const n = this.peek();
          if (n.kind === 'number' && n.offset === t.end) {
            this.next();
            this.next();
            return { type: 'number', value: `-${n.text}`, loc: t.loc };
          }
          this.next();
          const operand = this.parsePostfix();
          return call(t.loc, 'minus', [{ type: 'number', value: '0', loc: t.loc }, operand], 'neg');
        }
        break;
      default:
        break;
    }
    return this.fail(`unexpected ${this.describe(t)}`);
  }

  parseTemplate(t: Token): Term {
    const parts: (string | Term)[] = [];
    let n = 0;
    for (const part of t.parts ?? []) {
      if (part.kind === 'text') parts.push(part.text);
      else {
        // Re-parse the embedded expression in place (blank out what precedes it) so positions are exact.
        const padded = this.#text.slice(0, part.offset).replace(/[^\n]/g, ' ') + part.source;
        const sub = new Parser(this.#file, padded, true);
        sub.#wildcards = this.#wildcards;
        const expr = sub.parseTemplateExpr();
        this.#wildcards = sub.#wildcards;
        this.errors.push(...sub.errors);
        if (sub.errors.length > 0 || !expr) throw new Abort();
        if (expr.with.length === 0 && !expr.negated && expr.kind.type === 'term') parts.push(expr.kind.term);
        else {
          // `{x with input as 1}`: a one-expression set comprehension the planner uses as the part's value.
          const v: VarTerm = { type: 'var', name: `$tpl_${this.#wildcards++}_${n++}`, loc: expr.loc };
          const inner = expr.kind.type === 'term' ? expr.kind.term : undefined;
          if (!inner || expr.negated) this.fail('template expressions must be terms', t);
          const body: Expr = { ...expr, kind: { type: 'term', term: call(expr.loc, 'eq', [v, inner], '=') } };
          parts.push({ type: 'setcomp', term: v, body: [body], loc: expr.loc, template: true });
        }
      }
    }
    return { type: 'template', parts, multiline: false, loc: t.loc };
  }

  parseTemplateExpr(): Expr | undefined {
    try {
      const expr = this.parseLiteral();
      if (!this.eof()) this.fail(`unexpected ${this.describe(this.tok)} in template expression`);
      return expr;
    } catch (e) {
      if (e instanceof Abort) return undefined;
      throw e;
    }
  }

  parseArray(): Term {
    const open = this.next();
    if (this.isOp(']')) {
      this.next();
      return { type: 'array', items: [], loc: open.loc };
    }
    const first = this.parseTermAnd();
    if (this.isOp('|')) {
      this.next();
      const body = this.parseCompBody(']');
      return { type: 'arraycomp', term: first, body, loc: open.loc };
    }
    const items = [this.parseTermIn(this.parseTermRelation(this.parseTermOr(first)))];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp(']')) break;
      items.push(this.parseTermIn());
    }
    this.expectOp(']', 'to close the array');
    return { type: 'array', items, loc: open.loc };
  }

  parseBrace(): Term {
    const open = this.next();
    if (this.isOp('}')) {
      this.next();
      return { type: 'object', entries: [], loc: open.loc };
    }
    const first = this.parseTermAnd();
    if (this.isOp(':')) {
      this.next();
      const v = this.parseTermAnd();
      if (this.isOp('|')) {
        this.next();
        const body = this.parseCompBody('}');
        return { type: 'objectcomp', key: first, value: v, body, loc: open.loc };
      }
      const entries: [Term, Term][] = [
        [first, this.parseTermIn(this.parseTermRelation(this.parseTermOr(v)))],
      ];
      while (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        const k = this.parseTermIn();
        this.expectOp(':', 'between object key and value');
        entries.push([k, this.parseTermIn()]);
      }
      this.expectOp('}', 'to close the object');
      return { type: 'object', entries, loc: open.loc };
    }
    if (this.isOp('|')) {
      this.next();
      const body = this.parseCompBody('}');
      return { type: 'setcomp', term: first, body, loc: open.loc };
    }
    const items = [this.parseTermIn(this.parseTermRelation(this.parseTermOr(first)))];
    while (this.isOp(',')) {
      this.next();
      if (this.isOp('}')) break;
      items.push(this.parseTermIn());
    }
    this.expectOp('}', 'to close the set');
    return { type: 'set', items, loc: open.loc };
  }

  parseCompBody(close: string): Body {
    const body: Expr[] = [];
    while (!this.isOp(close)) {
      if (this.eof()) this.fail('unexpected end of file in comprehension');
      if (body.length > 0 && !this.tok.nl && !this.isOp(';'))
        this.fail(`unexpected ${this.describe(this.tok)} in comprehension body`);
      if (this.isOp(';')) this.next();
      body.push(this.parseLiteral());
    }
    this.next();
    if (body.length === 0) this.fail('found empty comprehension body');
    return body;
  }

  // --- queries ---

  parseQueryBody(): Body | undefined {
    const body: Expr[] = [];
    try {
      while (this.isKw('import') || (this.isKw('package') && body.length === 0)) {
        if (this.isKw('package')) this.parsePackage();
        else this.parseImport();
      }
      while (!this.eof()) {
        if (body.length > 0 && !this.tok.nl && !this.isOp(';'))
          this.fail(`unexpected ${this.describe(this.tok)}: expected a new line or ";" between expressions`);
        if (this.isOp(';')) this.next();
        if (this.eof()) break;
        body.push(this.parseLiteral());
      }
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      return undefined;
    }
    if (body.length === 0) {
      this.error('empty query', this.tok.loc);
      return undefined;
    }
    return body;
  }
}

/** The first ref, var or call inside `t` outside comprehensions (OPA's TypeName of it), if any. */
function nonConstant(t: Term): 'ref' | 'var' | 'call' | undefined {
  switch (t.type) {
    case 'ref':
    case 'var':
    case 'call':
      return t.type;
    case 'array':
    case 'set':
      for (const i of t.items) {
        const bad = nonConstant(i);
        if (bad) return bad;
      }
      return undefined;
    case 'object':
      for (const [k, v] of t.entries) {
        const bad = nonConstant(k) ?? nonConstant(v);
        if (bad) return bad;
      }
      return undefined;
    case 'template':
      for (const p of t.parts) {
        const bad = typeof p === 'string' ? undefined : nonConstant(p);
        if (bad) return bad;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** OPA's ValueName of a term's value, for messages. */
function termTypeName(t: Term): string {
  switch (t.type) {
    case 'arraycomp':
      return 'arraycomprehension';
    case 'setcomp':
      return 'setcomprehension';
    case 'objectcomp':
      return 'objectcomprehension';
    case 'template':
      return 'templatestring';
    default:
      return t.type;
  }
}

function trueExpr(loc: Location): Expr {
  return {
    kind: { type: 'term', term: { type: 'boolean', value: true, loc } },
    negated: false,
    with: [],
    loc,
    generated: true,
  };
}

function call(loc: Location, name: string, args: Term[], infix?: string): CallTerm {
  const parts = name.split('.');
  const op: RefTerm = {
    type: 'ref',
    loc,
    terms: [
      { type: 'var', name: parts[0]!, loc },
      ...parts.slice(1).map((p) => ({ type: 'string' as const, value: p, loc })),
    ],
  };
  return { type: 'call', op, args, loc, ...(infix ? { infix } : {}) };
}

function appendRef(term: Term, part: Term): RefTerm {
  if (term.type === 'ref') return { ...term, terms: [...term.terms, part] };
  return { type: 'ref', terms: [term, part], loc: term.loc };
}

/** Attach `# METADATA` YAML comment blocks to the rule that follows them. */
function attachAnnotations(
  p: Parser,
  rules: Rule[],
  pkgRow: number | undefined,
): Record<string, unknown> | undefined {
  let pkgAnnotations: Record<string, unknown> | undefined;
  const blocks: { row: number; end: number; yaml: string; loc: Location }[] = [];
  const cs = p.comments;
  for (let i = 0; i < cs.length; i++) {
    if (cs[i]!.text.trim() !== 'METADATA') continue;
    const lines: string[] = [];
    let j = i + 1;
    while (j < cs.length && cs[j]!.loc.row === cs[j - 1]!.loc.row + 1) {
      lines.push(cs[j]!.text.replace(/^ /, ''));
      j++;
    }
    blocks.push({ row: cs[i]!.loc.row, end: cs[j - 1]!.loc.row, yaml: lines.join('\n'), loc: cs[i]!.loc });
    i = j - 1;
  }
  for (const b of blocks) {
    let parsed: unknown;
    try {
      parsed = parseYaml(b.yaml);
    } catch (e) {
      p.error(`invalid METADATA block: ${(e as Error).message.split('\n')[0]}`, b.loc);
      continue;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      p.error('invalid METADATA block: expected a YAML mapping', b.loc);
      continue;
    }
    if (b.end + 1 === pkgRow) {
      pkgAnnotations = parsed as Record<string, unknown>;
      continue;
    }
    const idx = rules.findIndex((r) => r.loc.row === b.end + 1);
    if (idx >= 0) rules[idx] = { ...rules[idx]!, annotations: parsed as Record<string, unknown> };
  }
  return pkgAnnotations;
}

/** Parse one module. Errors are rego_parse_error with positions; the module is absent if any occurred. */
export function parseModule(
  file: string,
  text: string,
  opts: ParseOptions = {},
): { module?: Module; errors: RegoError[] } {
  const p = new Parser(file, text, !opts.v0Compatible);
  let module: Module | undefined;
  try {
    module = p.parseModule();
  } catch (e) {
    // A bug in the parser must surface as a diagnostic, never as a crash of the caller.
    p.errors.push({ code: 'rego_parse_error', message: `internal parser error: ${(e as Error).message}` });
  }
  if (p.errors.length > 0) return { errors: p.errors };
  return module
    ? { module, errors: [] }
    : { errors: [{ code: 'rego_parse_error', message: 'empty module', location: { file, row: 1, col: 1 } }] };
}

/** Parse an ad-hoc query (`data.x.p = y; y > 1`). */
export function parseQuery(
  text: string,
  opts: ParseOptions & { file?: string } = {},
): { body?: Body; errors: RegoError[] } {
  const p = new Parser(opts.file ?? '<query>', text, !opts.v0Compatible);
  let body: Body | undefined;
  try {
    body = p.parseQueryBody();
  } catch (e) {
    p.errors.push({ code: 'rego_parse_error', message: `internal parser error: ${(e as Error).message}` });
  }
  if (p.errors.length > 0 || !body) return { errors: p.errors };
  return { body, errors: [] };
}
