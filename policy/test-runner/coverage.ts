/**
 * @module Line coverage from statement positions: which source lines of the plan's functions ran during
 * the tests, per file, in the shape of `opa test --coverage`. Test-runner layer.
 */
import type { EvalTracer } from '../eval/index.js';
import type { Block, Policy, Stmt } from '../ir/ir.js';

export interface LineRange {
  readonly start: { readonly row: number };
  readonly end: { readonly row: number };
}

export interface FileCoverage {
  readonly covered: LineRange[];
  readonly not_covered: LineRange[];
  readonly covered_lines: number;
  readonly not_covered_lines: number;
  /** Percentage of lines covered, one decimal. */
  readonly coverage: number;
}

export interface CoverageReport {
  readonly files: Record<string, FileCoverage>;
  readonly covered_lines: number;
  readonly not_covered_lines: number;
  readonly coverage: number;
}

/** Collects executed lines across evaluations of one plan document. */
export class CoverageCollector implements EvalTracer {
  readonly #files: readonly string[];
  readonly #hit = new Map<string, Set<number>>();

  constructor(readonly policy: Policy) {
    this.#files = (policy.static?.files ?? []).map((f) => f.value);
  }

  stmt(s: Stmt): void {
    if (s.stmt.row <= 0) return;
    const file = this.#files[s.stmt.file];
    if (file === undefined) return;
    let rows = this.#hit.get(file);
    if (!rows) {
      rows = new Set();
      this.#hit.set(file, rows);
    }
    rows.add(s.stmt.row);
  }

  /** Lines executed, by file. */
  hitLines(): ReadonlyMap<string, ReadonlySet<number>> {
    return this.#hit;
  }

  /** Every line holding a statement of a rule or function of the plan document, by file. */
  allLines(): Map<string, Set<number>> {
    const all = new Map<string, Set<number>>();
    const add = (s: Stmt) => {
      const file = this.#files[s.stmt.file];
      if (file === undefined || s.stmt.row <= 0) return;
      let rows = all.get(file);
      if (!rows) {
        rows = new Set();
        all.set(file, rows);
      }
      rows.add(s.stmt.row);
    };
    for (const f of this.policy.funcs?.funcs ?? []) for (const b of f.blocks) walkBlock(b, add);
    return all;
  }
}

/** The coverage report over one or more collectors (lines are unioned per file). */
export function coverageReport(
  collectors: readonly CoverageCollector[],
  /** Lines of rules the plans never reach (so they show as not covered), by file. */
  extra: ReadonlyMap<string, ReadonlySet<number>> = new Map(),
): CoverageReport {
  const all = new Map<string, Set<number>>();
  const hit = new Map<string, Set<number>>();
  const union = (into: Map<string, Set<number>>, from: ReadonlyMap<string, ReadonlySet<number>>) => {
    for (const [file, rows] of from) {
      const set = into.get(file) ?? new Set<number>();
      for (const r of rows) set.add(r);
      into.set(file, set);
    }
  };
  union(all, extra);
  for (const c of collectors) {
    union(all, c.allLines());
    union(hit, c.hitLines());
  }
  const files: Record<string, FileCoverage> = {};
  let covered = 0;
  let total = 0;
  for (const file of [...all.keys()].sort()) {
    const rows = [...(all.get(file) ?? [])].sort((a, b) => a - b);
    const h = hit.get(file) ?? new Set<number>();
    const yes = rows.filter((r) => h.has(r));
    const no = rows.filter((r) => !h.has(r));
    covered += yes.length;
    total += rows.length;
    files[file] = {
      covered: ranges(yes),
      not_covered: ranges(no),
      covered_lines: yes.length,
      not_covered_lines: no.length,
      coverage: percent(yes.length, rows.length),
    };
  }
  return {
    files,
    covered_lines: covered,
    not_covered_lines: total - covered,
    coverage: percent(covered, total),
  };
}

function walkBlock(b: Block, f: (s: Stmt) => void): void {
  for (const s of b.stmts) {
    f(s);
    switch (s.type) {
      case 'BlockStmt':
        for (const c of s.stmt.blocks ?? []) walkBlock(c, f);
        break;
      case 'ScanStmt':
      case 'NotStmt':
      case 'WithStmt':
        walkBlock(s.stmt.block, f);
        break;
      default:
    }
  }
}

/** Consecutive rows as ranges. */
function ranges(rows: readonly number[]): LineRange[] {
  const out: LineRange[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.end.row === r - 1) out[out.length - 1] = { start: last.start, end: { row: r } };
    else out.push({ start: { row: r }, end: { row: r } });
  }
  return out;
}

function percent(n: number, d: number): number {
  return d === 0 ? 100 : Math.round((n / d) * 1000) / 10;
}
