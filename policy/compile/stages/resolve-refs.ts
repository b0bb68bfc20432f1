/**
 * @module Compile stage: resolve names and rewrite local variables. Rule names of the package and
 * import aliases become absolute `data`/`input` refs; `:=`, `some` and `every` declarations get fresh
 * `__localN__` names so scoping is explicit for later stages. Reports OPA's "assigned above" errors.
 */
import type {
  Body,
  Expr,
  ExprKind,
  Location,
  Module,
  RefTerm,
  RegoError,
  Rule,
  RuleHead,
  Term,
  VarTerm,
  WithModifier,
} from '../../ast/index.js';
import { termVars, walkTerm } from '../term-walk.js';

/** Names visible in a module without qualification. */
export interface Globals {
  /** Import alias (or last path segment) → the imported ref. */
  readonly imports: ReadonlyMap<string, RefTerm>;
  /** First segment of every rule head in the package → `data.<pkg>.<name>`. */
  readonly rules: ReadonlyMap<string, RefTerm>;
}

interface Frame {
  readonly names: Map<string, string>;
  /** Undeclared vars already used in this frame (for "var x referenced above"). */
  readonly used: Set<string>;
}

export class VarRewriter {
  readonly errors: RegoError[] = [];
  /** Import names referenced so far (strict mode reports the others). */
  readonly usedImports = new Set<string>();
  /** `:=` declarations (fresh name → author's name and position) and how often each is read. */
  readonly assigned = new Map<string, { name: string; loc: Location }>();
  readonly reads = new Map<string, number>();
  /** Every declaration given a fresh name: fresh name → the author's name (for error messages). */
  readonly renamed = new Map<string, string>();
  /** Function arguments that nothing in their rule reads, in source order (strict mode reports them). */
  readonly unusedArgs: VarTerm[] = [];
  readonly #globals: Globals;
  readonly #frames: Frame[] = [];
  #counter: { n: number };
  /** Queries keep the author's names for top-level declarations: they are the result's binding keys. */
  readonly #query: boolean;

  constructor(globals: Globals, counter: { n: number }, query = false) {
    this.#globals = globals;
    this.#counter = counter;
    this.#query = query;
  }

  fresh(): string {
    return `$local${this.#counter.n++}`;
  }

  err(message: string, loc: Location): void {
    this.errors.push({
      code: 'rego_compile_error',
      message,
      location: { file: loc.file, row: loc.row, col: loc.col },
    });
  }

  push(): void {
    this.#frames.push({ names: new Map(), used: new Set() });
  }
  pop(): void {
    this.#frames.pop();
  }
  get frame(): Frame {
    return this.#frames[this.#frames.length - 1]!;
  }

  declare(v: VarTerm, keepName = false): VarTerm {
    if (v.name.startsWith('$')) return v;
    const f = this.frame;
    if (f.names.has(v.name)) this.err(`var ${v.name} assigned above`, v.loc);
    else if (f.used.has(v.name)) this.err(`var ${v.name} referenced above`, v.loc);
    const name = keepName || (this.#query && this.#frames.length === 1) ? v.name : this.fresh();
    f.names.set(v.name, name);
    if (name !== v.name) this.renamed.set(name, v.name);
    return { ...v, name };
  }

  lookupLocal(name: string): string | undefined {
    for (let i = this.#frames.length - 1; i >= 0; i--) {
      const n = this.#frames[i]!.names.get(name);
      if (n !== undefined) return n;
    }
    return undefined;
  }

  globalRef(name: string, loc: Location): RefTerm | undefined {
    if (this.#globals.imports.has(name)) this.usedImports.add(name);
    const g = this.#globals.imports.get(name) ?? this.#globals.rules.get(name);
    if (!g) return undefined;
    return { ...g, loc, terms: g.terms.map((t) => ({ ...t, loc })) };
  }

  resolveVar(v: VarTerm): Term {
    if (v.name.startsWith('$')) return v;
    const local = this.lookupLocal(v.name);
    if (local !== undefined) {
      this.reads.set(local, (this.reads.get(local) ?? 0) + 1);
      return local === v.name ? v : { ...v, name: local };
    }
    if (v.name === 'input' || v.name === 'data') return v;
    const g = this.globalRef(v.name, v.loc);
    if (g) return g;
    for (const f of this.#frames) if (f.names.has(v.name)) return v;
    this.frame.used.add(v.name);
    return v;
  }

  term(t: Term): Term {
    switch (t.type) {
      case 'var':
        return this.resolveVar(t);
      case 'ref': {
        const [head, ...rest] = t.terms;
        const h = this.term(head!);
        const restTerms = rest.map((p) => this.term(p));
        if (h.type === 'ref') return { ...t, terms: [...h.terms, ...restTerms] };
        return { ...t, terms: [h, ...restTerms] };
      }
      case 'call':
        return { ...t, op: this.callOp(t.op), args: t.args.map((a) => this.term(a)) };
      case 'array':
        return { ...t, items: t.items.map((i) => this.term(i)) };
      case 'set':
        return { ...t, items: t.items.map((i) => this.term(i)) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [this.term(k), this.term(v)] as const) };
      case 'template':
        return { ...t, parts: t.parts.map((p) => (typeof p === 'string' ? p : this.term(p))) };
      case 'arraycomp':
      case 'setcomp': {
        this.push();
        const body = this.body(t.body);
        const term = this.term(t.term);
        this.pop();
        return { ...t, body, term };
      }
      case 'objectcomp': {
        this.push();
        const body = this.body(t.body);
        const key = this.term(t.key);
        const value = this.term(t.value);
        this.pop();
        return { ...t, body, key, value };
      }
      default:
        return t;
    }
  }

  /** Function names resolve through globals only: a local var cannot be called. */
  callOp(op: RefTerm): RefTerm {
    const head = op.terms[0]!;
    if (head.type !== 'var') return op;
    const g = this.globalRef(head.name, head.loc);
    if (g) return { ...op, terms: [...g.terms, ...op.terms.slice(1)] };
    return op;
  }

  /** `with` targets name documents or functions, never local variables. */
  withTarget(t: Term): Term {
    if (t.type === 'var') return this.globalRef(t.name, t.loc) ?? t;
    if (t.type === 'ref' && t.terms[0]?.type === 'var') {
      const g = this.globalRef(t.terms[0].name, t.loc);
      if (g) return { ...t, terms: [...g.terms, ...t.terms.slice(1)] };
    }
    return t;
  }

  /** Declare every var of an assignment/some pattern; returns the renamed pattern. */
  declarePattern(t: Term, what: string): Term {
    switch (t.type) {
      case 'var':
        return this.declare(t);
      case 'array':
        return { ...t, items: t.items.map((i) => this.declarePattern(i, what)) };
      case 'object':
        return {
          ...t,
          entries: t.entries.map(([k, v]) => [this.term(k), this.declarePattern(v, what)] as const),
        };
      case 'ref':
      case 'call':
        // `some f(x) in xs` is a membership test, not a declaration.
        if (what === 'declare') return this.term(t);
        this.err(`cannot ${what} to ${t.type}`, t.loc);
        return t;
      default:
        return t;
    }
  }

  body(body: Body): Body {
    return body.map((e) => this.expr(e));
  }

  expr(e: Expr): Expr {
    const withs: WithModifier[] = e.with.map((w) => ({
      ...w,
      target: this.withTarget(w.target),
      value: this.term(w.value),
    }));
    const kind = this.kind(e.kind, e);
    return { ...e, kind, with: withs };
  }

  kind(k: ExprKind, e: Expr): ExprKind {
    switch (k.type) {
      case 'some':
        return { type: 'some', vars: k.vars.map((v) => this.declare(v)) };
      case 'somein': {
        const collection = this.term(k.collection);
        const key = k.key ? this.declarePattern(k.key, 'declare') : undefined;
        const value = this.declarePattern(k.value, 'declare');
        return { type: 'somein', collection, value, ...(key ? { key } : {}) };
      }
      case 'every': {
        const domain = this.term(k.domain);
        this.push();
        const key = k.key ? this.declarePattern(k.key, 'declare') : undefined;
        const value = this.declarePattern(k.value, 'declare');
        this.push();
        const body = this.body(k.body);
        this.pop();
        this.pop();
        return { type: 'every', domain, value, body, ...(key ? { key } : {}) };
      }
      case 'term': {
        const t = k.term;
        if (
          t.type === 'call' &&
          t.op.terms.length === 1 &&
          t.op.terms[0]!.type === 'var' &&
          t.op.terms[0].name === 'assign' &&
          t.args.length === 2
        ) {
          const rhs = this.term(t.args[1]!);
          const lhs0 = t.args[0]!;
          if (lhs0.type !== 'var' && lhs0.type !== 'array' && lhs0.type !== 'object') {
            this.err(`cannot assign to ${describeTerm(lhs0)}`, lhs0.loc);
          }
          if (lhs0.type === 'var' && (lhs0.name === 'input' || lhs0.name === 'data')) {
            // OPA's root-document check; nothing is declared, so no follow-on "unused" error.
            this.err(`variables must not shadow ${lhs0.name} (use a different variable name)`, e.loc);
            return { type: 'term', term: { ...t, args: [lhs0, rhs] } };
          }
          if (e.negated) this.err('cannot assign vars inside negated expression', e.loc);
          const lhs = this.declarePattern(lhs0, 'assign');
          for (const v of termVars(lhs)) {
            const orig = termVars(lhs0).find((o) => this.lookupLocal(o) === v);
            if (orig && !v.startsWith('$_')) this.assigned.set(v, { name: orig, loc: lhs0.loc });
          }
          const op: RefTerm = { ...t.op, terms: [{ type: 'var', name: 'eq', loc: t.op.loc }] };
          return { type: 'term', term: { ...t, op, args: [lhs, rhs] } };
        }
        return { type: 'term', term: this.term(t) };
      }
    }
  }

  /** Rewrite one rule (and its else chain) in a fresh scope. */
  rule(rule: Rule): Rule {
    const args = rule.head.args;
    const readArgs = new Set<string>();
    const out = this.#chainLink(rule, args, readArgs);
    if (args) this.#recordUnusedArgs(args, readArgs);
    return out;
  }

  /**
   * One body of a rule's else chain. Every link sees the head's arguments, and an argument counts as
   * used when any link reads it (OPA checks the chain as a whole): `readArgs` collects those reads.
   */
  #chainLink(rule: Rule, args: readonly Term[] | undefined, readArgs: Set<string>): Rule {
    this.push();
    let newArgs: Term[] | undefined;
    let readsBefore: Map<string, number> | undefined;
    if (args) {
      newArgs = args.map((a) => {
        for (const v of termVars(a)) if (!v.startsWith('$')) this.frame.names.set(v, v);
        return this.term(a);
      });
      // Arguments keep their names, so reads of the name after this point are reads in the body or head.
      readsBefore = new Map([...this.frame.names.keys()].map((n) => [n, this.reads.get(n) ?? 0]));
    }
    const body = this.body(rule.body);
    const head = this.head(rule.head, newArgs);
    for (const [name, n] of readsBefore ?? []) if ((this.reads.get(name) ?? 0) > n) readArgs.add(name);
    // OPA counts any variable of that name in the head value as a read, a comprehension's own included.
    if (args && rule.head.value) for (const v of termVars(rule.head.value, true)) readArgs.add(v);
    this.pop();
    const elseRule = rule.elseRule ? this.#chainLink(rule.elseRule, args, readArgs) : undefined;
    return { ...rule, head, body, ...(elseRule ? { elseRule } : {}) };
  }

  /**
   * OPA's strict-mode "unused argument": an argument variable that no body or head value of the chain
   * reads. A variable written twice among the arguments (`f(x, x)`) constrains them to be equal, so it
   * counts as used; wildcards are exempt (they are `$_N` by now).
   */
  #recordUnusedArgs(args: readonly Term[], readArgs: ReadonlySet<string>): void {
    const first = new Map<string, VarTerm>();
    const repeated = new Set<string>();
    for (const a of args) {
      walkTerm(a, (t) => {
        if (t.type !== 'var' || t.name.startsWith('$')) return;
        if (first.has(t.name)) repeated.add(t.name);
        else first.set(t.name, t);
      });
    }
    for (const [name, v] of first) if (!readArgs.has(name) && !repeated.has(name)) this.unusedArgs.push(v);
  }

  head(h: RuleHead, args: Term[] | undefined): RuleHead {
    const [name, ...rest] = h.ref.terms;
    const ref: RefTerm = {
      ...h.ref,
      terms: [name!, ...rest.map((t) => (t.type === 'string' ? t : this.term(t)))],
    };
    return {
      ...h,
      ref,
      ...(args ? { args } : {}),
      ...(h.key ? { key: this.term(h.key) } : {}),
      ...(h.value ? { value: this.term(h.value) } : {}),
    };
  }
}

export function describeTerm(t: Term): string {
  switch (t.type) {
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      return 'comprehension';
    case 'template':
      return 'string';
    default:
      return t.type;
  }
}

/** Globals of one module: its imports, plus the rule names of every module in the same package. */
export function moduleGlobals(
  m: Module,
  packageRules: ReadonlyMap<string, RefTerm>,
  errors: RegoError[],
): Globals {
  const imports = new Map<string, RefTerm>();
  for (const imp of m.imports) {
    const head = imp.path.terms[0];
    if (head?.type !== 'var' || (head.name !== 'data' && head.name !== 'input')) continue;
    const last = imp.path.terms[imp.path.terms.length - 1]!;
    const name = imp.alias ?? (last.type === 'string' ? last.value : last.type === 'var' ? last.name : '');
    if (imports.has(name)) {
      errors.push({
        code: 'rego_compile_error',
        message: `import must not shadow ${imports.get(name) ? refText(imports.get(name)!) : name}`,
        location: imp.loc,
      });
      continue;
    }
    if (imp.path.terms.length === 1 && imp.alias === undefined && head.name === 'data') continue;
    imports.set(name, imp.path);
  }
  return { imports, rules: packageRules };
}

export function refText(r: RefTerm): string {
  return r.terms
    .map((t, i) =>
      i === 0 && t.type === 'var'
        ? t.name
        : t.type === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.value)
          ? `.${t.value}`
          : `[${t.type === 'string' ? JSON.stringify(t.value) : t.type === 'var' ? t.name : '…'}]`,
    )
    .join('');
}
