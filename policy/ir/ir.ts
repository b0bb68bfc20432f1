/**
 * @module OPA's plan IR as plain serialisable TypeScript types — the interface between Palisade's Rego
 * front end (planner) and its backends (IR evaluator, Wasm codegen). The JSON shape is exactly what
 * `opa build -t plan` writes (see ../shared/opa/IR.md and OPA's v1/ir/ir.go), so plans from OPA itself
 * load unchanged. Plain data only: no methods, no classes.
 */

/** A local variable slot. Local 0 is `input`, local 1 is `data`. */
export type Local = number;

export const INPUT_LOCAL: Local = 0;
export const DATA_LOCAL: Local = 1;

/** An operand: a local, an index into `static.strings`, or a boolean constant. */
export type Operand =
  | { readonly type: 'local'; readonly value: Local }
  | { readonly type: 'string_index'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean };

/** Source position carried by every statement; `file` indexes `static.files`. */
export interface Position {
  readonly file: number;
  readonly row: number;
  readonly col: number;
}

/** Statement bodies, keyed by their `type` tag in the JSON. */
export interface StmtBodies {
  ReturnLocalStmt: { source: Local };
  CallStmt: { func: string; args: readonly Operand[] | null; result: Local };
  CallDynamicStmt: { args: readonly Local[]; path: readonly Operand[]; result: Local };
  BlockStmt: { blocks: readonly Block[] | null };
  BreakStmt: { index: number };
  DotStmt: { source: Operand; key: Operand; target: Local };
  LenStmt: { source: Operand; target: Local };
  ScanStmt: { source: Local; key: Local; value: Local; block: Block };
  NotStmt: { block: Block };
  AssignIntStmt: { value: number; target: Local };
  AssignVarStmt: { source: Operand; target: Local };
  AssignVarOnceStmt: { source: Operand; target: Local };
  ResetLocalStmt: { target: Local };
  MakeNullStmt: { target: Local };
  MakeNumberIntStmt: { value: number; target: Local };
  /** `Index` (capital I, as OPA marshals it) indexes `static.strings`, holding the number's literal text. */
  MakeNumberRefStmt: { Index: number; target: Local };
  MakeArrayStmt: { capacity: number; target: Local };
  MakeObjectStmt: { target: Local };
  MakeSetStmt: { target: Local };
  EqualStmt: { a: Operand; b: Operand };
  NotEqualStmt: { a: Operand; b: Operand };
  IsArrayStmt: { source: Operand };
  IsObjectStmt: { source: Operand };
  IsSetStmt: { source: Operand };
  IsDefinedStmt: { source: Local };
  IsUndefinedStmt: { source: Local };
  ArrayAppendStmt: { array: Local; value: Operand };
  ObjectInsertStmt: { object: Local; key: Operand; value: Operand };
  ObjectInsertOnceStmt: { object: Local; key: Operand; value: Operand };
  ObjectMergeStmt: { a: Local; b: Local; target: Local };
  SetAddStmt: { set: Local; value: Operand };
  /** Run `block` with `local` (input or data) replaced at `path` (string indexes) by `value`. */
  WithStmt: { local: Local; path: readonly number[] | null; value: Operand; block: Block };
  NopStmt: Record<string, never>;
  ResultSetAddStmt: { value: Local };
}

export type StmtType = keyof StmtBodies;

/** One statement: `{"type": "DotStmt", "stmt": {source, key, target, file, row, col}}`. */
export type Stmt = {
  [K in StmtType]: { readonly type: K; readonly stmt: Readonly<StmtBodies[K]> & Position };
}[StmtType];

/** A statement of one given type, for code that dispatches on `type`. */
export type StmtOf<K extends StmtType> = Extract<Stmt, { type: K }>;

export interface Block {
  readonly stmts: readonly Stmt[];
}

export interface Plan {
  readonly name: string;
  readonly blocks: readonly Block[];
}

export interface Func {
  /** e.g. `g0.data.pkg.rule` */
  readonly name: string;
  /** Parameter locals; rules take `(input, data)`, functions add their arguments. */
  readonly params: readonly Local[];
  readonly return: Local;
  readonly blocks: readonly Block[];
  /** e.g. `["g0", "pkg", "rule"]`; used by CallDynamicStmt lookups. */
  readonly path?: readonly string[];
}

/** A builtin's OPA type declaration, kept verbatim (`{type: "function", args: [...], result: {...}}`). */
export type BuiltinDecl = Readonly<Record<string, unknown>>;

export interface BuiltinFunc {
  readonly name: string;
  readonly decl: BuiltinDecl;
}

export interface Static {
  readonly strings?: readonly { readonly value: string }[] | null;
  readonly builtin_funcs?: readonly BuiltinFunc[] | null;
  readonly files?: readonly { readonly value: string }[] | null;
}

/** A whole plan document: what `opa build -t plan` writes. */
export interface Policy {
  readonly static?: Static | null;
  readonly plans?: { readonly plans?: readonly Plan[] | null } | null;
  readonly funcs?: { readonly funcs?: readonly Func[] | null } | null;
}

/** Every statement type name, in the order of IR.md; used by codegen/evaluator exhaustiveness tests. */
export const STMT_TYPES: readonly StmtType[] = [
  'ReturnLocalStmt',
  'CallStmt',
  'CallDynamicStmt',
  'BlockStmt',
  'BreakStmt',
  'DotStmt',
  'LenStmt',
  'ScanStmt',
  'NotStmt',
  'AssignIntStmt',
  'AssignVarStmt',
  'AssignVarOnceStmt',
  'ResetLocalStmt',
  'MakeNullStmt',
  'MakeNumberIntStmt',
  'MakeNumberRefStmt',
  'MakeArrayStmt',
  'MakeObjectStmt',
  'MakeSetStmt',
  'EqualStmt',
  'NotEqualStmt',
  'IsArrayStmt',
  'IsObjectStmt',
  'IsSetStmt',
  'IsDefinedStmt',
  'IsUndefinedStmt',
  'ArrayAppendStmt',
  'ObjectInsertStmt',
  'ObjectInsertOnceStmt',
  'ObjectMergeStmt',
  'SetAddStmt',
  'WithStmt',
  'NopStmt',
  'ResultSetAddStmt',
];
