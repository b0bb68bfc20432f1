/**
 * @module Script entry: every case of OPA's plans (../shared/opa-ir) through plan → Wasm → the official SDK,
 * compared with the result OPA got from the same plan (`want_plan_result`). Prints pass counts per
 * directory, each failure with its reason, and `plan conformance: <passed>/<total>`; exit 1 on failures.
 *
 * Usage: node dist/policy/wasm/plan-conformance-main.js [OPA_IR_DIR] [--filter DIR]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../../lib/package-info.js';
import { type CaseOutcome, planCases, runPlanCase, summarise } from './plan-conformance.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { filter: { type: 'string' } },
  });
  const root = resolve(positionals[0] ?? join(PACKAGE_ROOT, '..', 'shared', 'opa-ir'));
  const outcomes: CaseOutcome[] = [];
  for await (const { dir, c } of planCases(root, values.filter ?? ''))
    outcomes.push(await runPlanCase(dir, c));
  const out: string[] = [];
  for (const [dir, { pass, total }] of summarise(outcomes)) {
    out.push(`${pass === total ? 'PASS' : 'FAIL'} ${dir} ${pass}/${total}`);
    for (const o of outcomes.filter((x) => x.dir === dir && !x.ok)) {
      out.push(`    FAIL ${o.note}: ${(o.reason ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
    }
  }
  const passed = outcomes.filter((o) => o.ok).length;
  out.push(`plan conformance: ${passed}/${outcomes.length} passed`);
  process.stdout.write(`${out.join('\n')}\n`);
  return passed === outcomes.length ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`plan conformance: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
