/**
 * @module The Rego abstract syntax tree: terms, expressions, rules, modules. Every node carries a
 * Location. AST layer — plain data produced by the parser, read by the compiler, planner and formatter.
 */

/** Where a node starts in its source file (1-based row and column). */
export interface Location {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

// --- terms ---

export interface NullTerm {
  readonly type: 'null';
  readonly loc: Location;
}
export interface BooleanTerm {
  readonly type: 'boolean';
  readonly value: boolean;
  readonly loc: Location;
}
/** A number keeps its literal text so big integers and decimals lose no precision. */
export interface NumberTerm {
  readonly type: 'number';
  readonly value: string;
  readonly loc: Location;
}
export interface StringTerm {
  readonly type: 'string';
  readonly value: string;
  /** How the source wrote it; the formatter keeps raw strings raw. */
  readonly raw?: boolean;
  readonly loc: Location;
}
export interface VarTerm {
  readonly type: 'var';
  readonly name: string;
  readonly loc: Location;
}
/** `head.a[b]...`: `terms[0]` is the head (a var, call, or composite); the rest are the path. */
export interface RefTerm {
  readonly type: 'ref';
  readonly terms: readonly Term[];
  readonly loc: Location;
}
export interface ArrayTerm {
  readonly type: 'array';
  readonly items: readonly Term[];
  readonly loc: Location;
}
export interface SetTerm {
  readonly type: 'set';
  readonly items: readonly Term[];
  readonly loc: Location;
}
export interface ObjectTerm {
  readonly type: 'object';
  readonly entries: readonly (readonly [Term, Term])[];
  readonly loc: Location;
}
export interface ArrayComprehension {
  readonly type: 'arraycomp';
  readonly term: Term;
  readonly body: Body;
  readonly loc: Location;
}
export interface SetComprehension {
  readonly type: 'setcomp';
  readonly term: Term;
  readonly body: Body;
  readonly loc: Location;
  /** Wraps a template-string expression that has `with` modifiers (`$"{x with input as 1}"`). */
  readonly template?: true;
}
export interface ObjectComprehension {
  readonly type: 'objectcomp';
  readonly key: Term;
  readonly value: Term;
  readonly body: Body;
  readonly loc: Location;
}
/** A call `op(args…)`; infix operators are calls of OPA's builtin names (`plus`, `equal`, …). */
export interface CallTerm {
  readonly type: 'call';
  readonly op: RefTerm;
  readonly args: readonly Term[];
  readonly loc: Location;
  /** The infix symbol the source used (`+`, `==`, `in`), for the formatter. */
  readonly infix?: string;
}
/** `$"a {x} b"`: literal parts and embedded expressions in order. */
export interface TemplateTerm {
  readonly type: 'template';
  readonly parts: readonly (string | Term)[];
  readonly multiline: boolean;
  readonly loc: Location;
}

export type ScalarTerm = NullTerm | BooleanTerm | NumberTerm | StringTerm;
export type Term =
  | ScalarTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | TemplateTerm;

// --- expressions ---

export interface WithModifier {
  readonly target: Term;
  readonly value: Term;
  readonly loc: Location;
}

/** `some x, y` */
export interface SomeDecl {
  readonly type: 'some';
  readonly vars: readonly VarTerm[];
}
/** `some k, v in coll` (key optional) */
export interface SomeIn {
  readonly type: 'somein';
  readonly key?: Term;
  readonly value: Term;
  readonly collection: Term;
}
/** `every k, v in domain { body }` (key optional) */
export interface Every {
  readonly type: 'every';
  readonly key?: Term;
  readonly value: Term;
  readonly domain: Term;
  readonly body: Body;
}
/** A plain term or call used as a literal. */
export interface TermExpr {
  readonly type: 'term';
  readonly term: Term;
}

export type ExprKind = SomeDecl | SomeIn | Every | TermExpr;

export interface Expr {
  readonly kind: ExprKind;
  readonly negated: boolean;
  readonly with: readonly WithModifier[];
  readonly loc: Location;
  /** Inserted by the compiler rather than written by the author. */
  readonly generated?: boolean;
}

export type Body = readonly Expr[];

// --- rules and modules ---

export interface RuleHead {
  /** The head's reference: `p`, `a.b.c`, `p[x]`. The first term is a var. */
  readonly ref: RefTerm;
  /** Function parameters, when the rule is a function. */
  readonly args?: readonly Term[];
  /** `p contains key` (multi-value rule) and v0's `p[key]` without a value. */
  readonly key?: Term;
  /** The value; `true` is filled in when the source omitted it. */
  readonly value?: Term;
  /** The source wrote `:=` rather than `=`. */
  readonly assign: boolean;
  /** The source omitted the value (so the formatter does not print `:= true`). */
  readonly implicitValue?: boolean;
  readonly loc: Location;
}

export interface Rule {
  readonly head: RuleHead;
  readonly body: Body;
  readonly isDefault: boolean;
  /** The rule had an explicit body (`if { … }` or `{ … }`), as opposed to `p := 1`. */
  readonly hasBody: boolean;
  readonly elseRule?: Rule;
  readonly loc: Location;
  /** METADATA annotations written just above the rule, as parsed YAML. */
  readonly annotations?: Readonly<Record<string, unknown>>;
}

export interface Import {
  readonly path: RefTerm;
  readonly alias?: string;
  readonly loc: Location;
}

export interface Comment {
  readonly text: string;
  readonly loc: Location;
}

export interface Package {
  /** `data.a.b` as a ref whose head is `data`. */
  readonly path: RefTerm;
  readonly loc: Location;
}

export interface Module {
  readonly file: string;
  readonly pkg: Package;
  readonly imports: readonly Import[];
  readonly rules: readonly Rule[];
  readonly comments: readonly Comment[];
  /** The module was parsed with Rego v1 rules (`if`/`contains` required, keywords always on). */
  readonly regoV1: boolean;
  readonly annotations?: Readonly<Record<string, unknown>>;
}

// --- helpers ---

/** The ref path of a term as plain strings when every part is a string (`data.a.b` → ['data','a','b']). */
export function refToStrings(ref: RefTerm): string[] | undefined {
  const out: string[] = [];
  for (const [i, t] of ref.terms.entries()) {
    if (i === 0 && t.type === 'var') out.push(t.name);
    else if (i > 0 && t.type === 'string') out.push(t.value);
    else return undefined;
  }
  return out;
}

/** Build a ref from names: `ref(loc, 'data', 'a')` → `data.a`. */
export function makeRef(loc: Location, head: string, ...path: string[]): RefTerm {
  return {
    type: 'ref',
    loc,
    terms: [
      { type: 'var', name: head, loc },
      ...path.map((p) => ({ type: 'string' as const, value: p, loc })),
    ],
  };
}
