/**
 * @module compilePlan: check a plan document's shape at the edge, then generate, validate and optimise its
 * Wasm module. Wasm layer.
 */
import { z } from 'zod';
import type { CompileOptions } from '../codegen/index.js';
import { PolicyError } from '../errors.js';
import type { Policy } from '../ir/ir.js';

const block = z.object({
  stmts: z.array(z.object({ type: z.string().endsWith('Stmt'), stmt: z.record(z.string(), z.unknown()) })),
});

/** The plan document's outline (statement bodies are checked as codegen lowers them). */
const planSchema = z.object({
  static: z
    .object({
      strings: z.array(z.object({ value: z.string() })).nullish(),
      builtin_funcs: z
        .array(z.object({ name: z.string(), decl: z.record(z.string(), z.unknown()) }))
        .nullish(),
      files: z.array(z.object({ value: z.string() })).nullish(),
    })
    .nullish(),
  plans: z
    .object({ plans: z.array(z.object({ name: z.string(), blocks: z.array(block) })).nullish() })
    .nullish(),
  funcs: z
    .object({
      funcs: z
        .array(
          z.object({
            name: z.string(),
            params: z.array(z.number().int().nonnegative()),
            return: z.number().int().nonnegative(),
            blocks: z.array(block),
            path: z.array(z.string()).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

/** Throws ERR_POLICY_PLAN_INVALID naming the bad field when `doc` is not a plan document. */
export function parsePlan(doc: unknown, source = 'plan'): Policy {
  const r = planSchema.safeParse(doc);
  if (!r.success) {
    throw new PolicyError(
      'ERR_POLICY_PLAN_INVALID',
      `${source} is not a plan document:\n${z.prettifyError(r.error)}`,
      {
        exitCode: 2,
      },
    );
  }
  return doc as Policy;
}

export interface CompilePlanResult {
  readonly wasm: Uint8Array;
  /** Builtins the module calls on the host (`opa_builtinN`). */
  readonly hostBuiltins: string[];
  readonly entrypoints: Record<string, number>;
  readonly warnings: string[];
}

/** Compile a plan (OPA's `opa build -t plan` output or Palisade's planner's) to a validated, optimised module. */
export async function compilePlan(policy: Policy, options: CompileOptions = {}): Promise<CompilePlanResult> {
  parsePlan(policy);
  // binaryen is large: load it with the first compilation, not with every importer of the policy package
  const { compileToWasm } = await import('../codegen/index.js');
  try {
    return compileToWasm(policy, options);
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    throw new PolicyError(
      'ERR_POLICY_WASM_COMPILE',
      `cannot compile the plan to Wasm: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
